"""Small patches for moto 5.2.1, one module per known problem.

Each module has an ``apply()`` function; ``apply_patches`` applies them in
order, skipping the problem numbers given in ``disabled``.
"""
from __future__ import annotations

import importlib

PATCHES: dict[int, str] = {
    1: "p1_batch_parameters",
    2: "p2_start_execution_deepcopy",
    3: "p3_execution_name",
    4: "p4_cloudformation_state_machine",
    5: "p5_cloudformation_batch",
    6: "p6_branch_states_errors",
    7: "p7_batch_default_instance_types",
    8: "p8_cloudformation_state_machine_config",
    9: "p9_moto_api_model_data",
}


def apply_patches(disabled: set[int] | frozenset[int] = frozenset()) -> list[int]:
    unknown = set(disabled) - set(PATCHES)
    if unknown:
        raise ValueError(f"unknown patch numbers: {sorted(unknown)} (known: {sorted(PATCHES)})")
    applied = []
    for number, module_name in sorted(PATCHES.items()):
        if number in disabled:
            continue
        importlib.import_module(f"{__name__}.{module_name}").apply()
        applied.append(number)
    return applied
