"""Problem 4 (moto 5.2.1): state machines created by CloudFormation are invisible
to the Step Functions API when execution is enabled.

``StateMachine.create_from_cloudformation_json`` (and the delete/update
handlers) always use ``stepfunctions_backends`` (the plain, non-executing
backend), while with ``execute_state_machine: true`` the Step Functions API
(``moto.stepfunctions.responses.get_backend``) reads
``stepfunctions_parser_backends``. A stack deploys fine but DescribeStateMachine
/ StartExecution on its state machine ARN fail with ``StateMachineDoesNotExist``.

Fix: run those three handlers unchanged, but with the name
``stepfunctions_backends`` resolved to the backend the API would choose (same
rule as ``get_backend``: the parser backend when execution is enabled).
"""
from __future__ import annotations

import types


class _BackendsChosenLikeTheApi:
    """Replaces ``stepfunctions_backends[account][region]`` inside the CloudFormation handlers."""

    def __getitem__(self, account_id):
        from moto.core.config import default_user_config

        if default_user_config.get("stepfunctions", {}).get("execute_state_machine", False):
            from moto.stepfunctions.parser.models import stepfunctions_parser_backends as backends
        else:
            from moto.stepfunctions.models import stepfunctions_backends as backends
        return backends[account_id]


def apply() -> None:
    from moto.stepfunctions.models import StateMachine

    chosen = _BackendsChosenLikeTheApi()
    for name in (
        "create_from_cloudformation_json",
        "delete_from_cloudformation_json",
        "update_from_cloudformation_json",
    ):
        func = StateMachine.__dict__[name].__func__
        patched = types.FunctionType(
            func.__code__,
            {**func.__globals__, "stepfunctions_backends": chosen},
            func.__name__,
            func.__defaults__,
            func.__closure__,
        )
        patched.__kwdefaults__ = func.__kwdefaults__
        patched.__wrapped__ = func
        setattr(StateMachine, name, classmethod(patched))
