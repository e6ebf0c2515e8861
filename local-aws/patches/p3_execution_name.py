"""Problem 3 (moto 5.2.1): StartExecution without a name.

``StepFunctionsParserBackend.start_execution`` (used when execution is
enabled) formats the execution ARN with ``name`` as given, so an unnamed start
gets an ARN ending in ``:None`` and the next unnamed start of the same state
machine fails with ``ExecutionAlreadyExists`` (both are named None). Real AWS
(and moto's non-executing backend) generates a UUID name.

Fix: generate a UUID name when none (or an empty one) is given, then call
moto's original method.
"""
from __future__ import annotations


def apply() -> None:
    from moto.moto_api._internal import mock_random
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        if not name:
            name = str(mock_random.uuid4())
        return original(self, state_machine_arn, name, execution_input, trace_header)

    start_execution.__wrapped__ = original
    StepFunctionsParserBackend.start_execution = start_execution
