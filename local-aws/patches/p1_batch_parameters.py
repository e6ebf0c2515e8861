"""Problem 1 (moto 5.2.1): Step Functions' Batch integration sends PascalCase parameters.

A Task ``arn:aws:states:::batch:submitJob(.sync)`` is written in Step Functions'
PascalCase (``JobName``, ``JobQueue``, ``JobDefinition``, ``ContainerOverrides``
...). moto's ``StateTaskServiceBatch`` passes them unchanged as keyword
arguments to boto3's ``submit_job`` (its base ``_normalise_parameters`` and
``_normalise_response`` are no-ops), but Batch's API is camelCase, so moto's
Batch receives an empty request and every task fails with ``States.Runtime``,
cause ``'JobDefinition'``. The .sync resolver also reads ``JobId`` from the
SubmitJob response, which boto3 returns as ``jobId``.

Fix: convert the request through botocore's Batch service model (SubmitJob
input shape; recursive, so ContainerOverrides.ResourceRequirements,
RetryStrategy.EvaluateOnExit, ArrayProperties, DependsOn... are converted too,
map keys such as Parameters/Tags are kept), and convert SubmitJob /
DescribeJobs responses back to PascalCase, which is what real Step Functions
returns (``{"JobId", "JobName", "JobArn"}`` for submitJob, the described job,
e.g. ``{"JobId", "Status": "SUCCEEDED", "Container": {...}}``, for .sync).
Both use the shape-driven converters moto already has in StateTaskService.
"""
from __future__ import annotations


_SERVICE_MODEL = None


def _batch_operation_model(action: str):
    """'submitJob' / 'submit_job' / 'describe_jobs' -> botocore OperationModel."""
    global _SERVICE_MODEL
    import botocore.session
    from moto.stepfunctions.parser.utils import camel_to_snake_case

    if _SERVICE_MODEL is None:
        _SERVICE_MODEL = botocore.session.get_session().get_service_model("batch")
    wanted = camel_to_snake_case(action)
    for name in _SERVICE_MODEL.operation_names:
        if camel_to_snake_case(name) == wanted:
            return _SERVICE_MODEL.operation_model(name)
    raise ValueError(f"Batch has no operation {action!r}")


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    operation = _batch_operation_model(service_action_name or self.resource.api_action)
    self._to_boto_request(parameters, operation.input_shape)


def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
    operation = _batch_operation_model(service_action_name or self.resource.api_action)
    self._from_boto_response(response, operation.output_shape)


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch import (
        StateTaskServiceBatch,
    )

    StateTaskServiceBatch._normalise_parameters = _normalise_parameters
    StateTaskServiceBatch._normalise_response = _normalise_response
