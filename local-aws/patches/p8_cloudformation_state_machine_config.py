"""Problem 8 (moto 5.2.1): CloudFormation drops a state machine's logging and tracing.

``StateMachine.create_from_cloudformation_json`` (and the no-replacement branch
of ``update_from_cloudformation_json``) only read ``StateMachineName``,
``DefinitionString``, ``RoleArn`` and ``Tags``. ``LoggingConfiguration`` and
``TracingConfiguration`` -- which aws-cdk-lib writes for ``logs: {...}`` and
``tracingEnabled: true`` -- are silently ignored: the deployed state machine is
described with ``loggingConfiguration: {"level": "OFF"}`` and
``tracingConfiguration: {"enabled": false}``, although the stack is
CREATE_COMPLETE. (moto's API accepts both; executions do not write to
CloudWatch Logs or X-Ray either way.)

Fix: after moto's handler has created (or updated) the state machine, set both
from the template, converted to the API's camelCase
(``{"level": "ALL", "includeExecutionData": false, "destinations":
[{"cloudWatchLogsLogGroup": {"logGroupArn": ...}}]}``, ``{"enabled": true}``).
Wraps whatever handler is installed, so it composes with patch 4.
"""
from __future__ import annotations

_PROPERTIES = {"LoggingConfiguration": "loggingConfiguration", "TracingConfiguration": "tracingConfiguration"}


def _camel(value):
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _configure(state_machine, cloudformation_json) -> None:
    properties = cloudformation_json.get("Properties") or {}
    updates = {attr: _camel(properties[prop]) for prop, attr in _PROPERTIES.items() if prop in properties}
    if updates and state_machine is not None:
        state_machine.update(**updates)


def apply() -> None:
    from moto.stepfunctions.models import StateMachine

    create = StateMachine.__dict__["create_from_cloudformation_json"].__func__
    update = StateMachine.__dict__["update_from_cloudformation_json"].__func__

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        state_machine = create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        _configure(state_machine, cloudformation_json)
        return state_machine

    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        state_machine = update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        _configure(state_machine, cloudformation_json)
        return state_machine

    create_from_cloudformation_json.__wrapped__ = create
    update_from_cloudformation_json.__wrapped__ = update
    StateMachine.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    StateMachine.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
