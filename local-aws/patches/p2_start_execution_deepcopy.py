"""Problem 2 (moto 5.2.1): the second StartExecution fails with
``TypeError: cannot pickle '_thread.RLock' object``.

With execution enabled, ``StepFunctionsParserBackend.start_execution`` takes a
snapshot of the state machine with ``copy.deepcopy``. In 5.2.1 a
``StateMachine`` holds a reference to its whole backend (``self.backend``),
and both the backend and the state machine's ``executions`` list reach the
previous Execution, whose worker thread owns locks. The first start works
(nothing is running yet); every later start in that account/region raises.

Fix: give ``StateMachine`` a ``__deepcopy__`` that shares the backend by
reference and gives the snapshot an empty executions list (the snapshot only
has to freeze the definition/role/config for the new execution; executions are
recorded on the original state machine). Everything else is deep-copied as
before.
"""
from __future__ import annotations

import copy


def _state_machine_deepcopy(self, memo):
    cls = self.__class__
    clone = cls.__new__(cls)
    memo[id(self)] = clone
    memo[id(self.backend)] = self.backend  # shared, never copied
    memo[id(self.executions)] = []  # the snapshot does not carry past executions
    for key, value in self.__dict__.items():
        setattr(clone, key, copy.deepcopy(value, memo))
    return clone


def apply() -> None:
    from moto.stepfunctions.models import StateMachine

    StateMachine.__deepcopy__ = _state_machine_deepcopy
