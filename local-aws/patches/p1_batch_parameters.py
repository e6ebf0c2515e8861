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

Finished jobs are also described the way real Batch describes them. moto's
non-docker Batch (``batch_simple``) never runs a container, so its job detail
has no ``statusReason`` and no ``exitCode`` (neither on the job's ``container``
nor on its attempt), and names the log stream ``<job definition name>/default/
<job id>`` even when the job definition sets ``awslogs-stream-prefix``. Real
Batch describes a stopped single (or array child) job with
``statusReason: "Essential container in task exited"`` -- also for a FAILED
job whose container exited non-zero -- ``container.exitCode`` and
``attempts[-1].container.exitCode`` (0 or, here, 1 when the job FAILED),
``attempts[].statusReason``, and ``logStreamName``
``<awslogs-stream-prefix>/default/<task id>`` (the job definition name without
a prefix); the container's ``logConfiguration`` is the job definition's. So
``Job.describe`` fills these in for stopped jobs (the ECS task id is stood in
for by the job id: ``<prefix>/default/<jobId>``); a reason or exit code moto
did record (TerminateJob, docker backend) is kept. An array parent job runs no
container: it gets none of them, and moto's ``logStreamName`` is removed from
it (its children have theirs). DescribeJobs, the .sync output and
the Cause of a failed .sync task (``States.TaskFailed``, the described job as
JSON) all carry them.
"""
from __future__ import annotations

import copy

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


ESSENTIAL_CONTAINER_EXITED = "Essential container in task exited"


def _describe_finished_job(describe):
    def describe_job(self):
        result = describe(self)
        container = result.get("container")
        if not self.job_stopped or not isinstance(container, dict):
            return result
        if self._child_jobs:  # an array parent runs no container: no log stream, reason or exit code
            container.pop("logStreamName", None)
            return result
        exit_code = self.exit_code if self.exit_code is not None else (0 if self.status == "SUCCEEDED" else 1)
        reason = self.job_stopped_reason or ESSENTIAL_CONTAINER_EXITED
        properties = self.job_definition.container_properties or {}
        log_configuration = properties.get("logConfiguration")
        options = (log_configuration or {}).get("options") or {}
        prefix = options.get("awslogs-stream-prefix") or self.job_definition.name
        log_stream_name = f"{prefix}/default/{self.job_id}"
        result["statusReason"] = reason
        result["attempts"] = copy.deepcopy(result.get("attempts") or [])  # the job's own dicts: leave them alone
        container.update(exitCode=exit_code, logStreamName=log_stream_name)
        if log_configuration is not None:
            container.setdefault("logConfiguration", log_configuration)
        for attempt in result["attempts"]:
            attempt.setdefault("statusReason", reason)
            attempt["container"].update(logStreamName=log_stream_name)
        if result["attempts"]:
            result["attempts"][-1]["container"].setdefault("exitCode", exit_code)
        return result

    describe_job.__wrapped__ = describe
    return describe_job


def apply() -> None:
    from moto.batch.models import Job
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch import (
        StateTaskServiceBatch,
    )

    StateTaskServiceBatch._normalise_parameters = _normalise_parameters
    StateTaskServiceBatch._normalise_response = _normalise_response
    Job.describe = _describe_finished_job(Job.describe)
