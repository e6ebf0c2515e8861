"""Problem 6 (moto 5.2.1): a ``States.*`` error inside a Parallel branch or a Map
iteration crashes the execution.

When a branch of a Parallel state (``BranchesDecl``) or an iteration of a Map
state (``IterationWorker``) fails, moto re-raises the branch's error at the
Parallel/Map level wrapped in ``CustomErrorName(error_name)``. Custom error
names may not start with ``States.``, so any predefined error coming out of a
branch -- ``States.TaskFailed`` of a failed ``batch:submitJob.sync`` task,
``States.Timeout``, ... -- raises ``ValueError`` instead: the execution ends
``States.Runtime``, cause ``ValueError(Custom Error Names MUST NOT begin with
the prefix 'States.', got 'States.TaskFailed'.)``, and a Catch/Retry on the
Parallel or Map state never runs. Real Step Functions fails the Parallel/Map
state with the branch's error and cause, where its Retry/Catch apply.

Fix: in those two modules only, the name ``CustomErrorName`` builds a
``StatesErrorName`` for predefined ``States.*`` names (so ``ErrorEquals``
matches them as it matches the same error raised by a Task: ``States.Timeout``
is not caught by ``States.TaskFailed``) and a ``CustomErrorName`` otherwise.
"""
from __future__ import annotations


def _error_name(error_name=None):
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName

    if error_name is not None and error_name.startswith("States."):
        try:
            return StatesErrorName.from_name(error_name)
        except ValueError:
            pass  # an unknown States.* name: keep it, unchecked
        name = CustomErrorName.__new__(CustomErrorName)
        name.error_name = error_name
        return name
    return CustomErrorName(error_name=error_name)


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import iteration_worker
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    branches_decl.CustomErrorName = _error_name
    iteration_worker.CustomErrorName = _error_name
