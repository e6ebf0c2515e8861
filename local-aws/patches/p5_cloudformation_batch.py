"""Problem 5 (moto 5.2.1): CloudFormation Batch resources as aws-cdk-lib writes them.

moto's CloudFormation handlers for AWS::Batch::* only accept a narrow shape:

* ``Fn::GetAtt [ce, ComputeEnvironmentArn]`` / ``[queue, JobQueueArn]`` fail:
  ComputeEnvironment and JobQueue have no ``get_cfn_attribute``. CDK's
  JobQueue and every BatchSubmitJob task use these attributes.
* ComputeEnvironment: ``properties["ServiceRole"]`` is required, but CDK omits
  it (AWS then uses the AWSServiceRoleForBatch service-linked role); CDK
  writes ``"Type": "managed"`` in lower case, which the backend rejects
  (``must be one of MANAGED | UNMANAGED``); Tags are dropped.
* JobDefinition: ``properties["RetryStrategy"]`` is required (KeyError when
  absent), ``Timeout`` is read from a lower-case ``timeout`` key (so ignored),
  ``PlatformCapabilities``/``PropagateTags`` are ignored (a Fargate job
  definition is described without ``FARGATE``), ``Type`` is forced to
  "container" and the Tags map's keys get lower-cased.

Fix: add the two attributes, and replace the two creation handlers with
versions that accept these properties, then call the same backend methods.
"""
from __future__ import annotations

_SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"
_SERVICE_LINKED_ROLE_PATH = "/aws-service-role/batch.amazonaws.com/"


def _service_linked_role_arn(backend) -> str:
    """The role real AWS Batch uses when ServiceRole is omitted; created in moto's IAM if missing."""
    import json

    from moto.iam.exceptions import NotFoundException

    iam = backend.iam_backend
    try:
        return iam.get_role(_SERVICE_LINKED_ROLE).arn
    except NotFoundException:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "batch.amazonaws.com"}}
            ],
        }
        return iam.create_role(
            _SERVICE_LINKED_ROLE,
            json.dumps(trust),
            _SERVICE_LINKED_ROLE_PATH,
            permissions_boundary=None,
            description="local-aws: stands in for the AWS Batch service-linked role",
            tags=[],
            max_session_duration="3600",
            linked_service="batch.amazonaws.com",
        ).arn


def _attribute_getter(attributes: dict[str, str]):
    def get_cfn_attribute(self, attribute_name):
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name in attributes:
            return getattr(self, attributes[attribute_name])
        raise UnformattedGetAttTemplateException()

    return get_cfn_attribute


def _create_compute_environment(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    from moto.batch.models import batch_backends
    from moto.batch.utils import lowercase_first_key

    backend = batch_backends[account_id][region_name]
    properties = cloudformation_json["Properties"]
    compute_resources = properties.get("ComputeResources")
    return backend.create_compute_environment(
        properties.get("ComputeEnvironmentName", resource_name),
        properties["Type"].upper(),
        properties.get("State", "ENABLED").upper(),
        lowercase_first_key(compute_resources) if compute_resources is not None else None,
        properties.get("ServiceRole") or _service_linked_role_arn(backend),
        tags=properties.get("Tags"),
    )


def _create_job_definition(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    from moto.batch.models import batch_backends
    from moto.batch.utils import lowercase_first_key

    backend = batch_backends[account_id][region_name]
    properties = cloudformation_json["Properties"]

    def lowered(key):
        return lowercase_first_key(properties[key]) if key in properties else None

    return backend.register_job_definition(
        def_name=properties.get("JobDefinitionName", resource_name),
        parameters=properties.get("Parameters", {}),  # user keys: keep as written
        _type=properties.get("Type", "container").lower(),
        tags=properties.get("Tags", {}),  # user keys: keep as written
        retry_strategy=lowered("RetryStrategy") or {},
        container_properties=lowered("ContainerProperties"),
        node_properties=lowered("NodeProperties"),
        eks_properties=lowered("EksProperties"),
        timeout=lowered("Timeout") or {},
        platform_capabilities=properties.get("PlatformCapabilities"),
        propagate_tags=properties.get("PropagateTags"),
    )


def apply() -> None:
    from moto.batch.models import ComputeEnvironment, JobDefinition, JobQueue

    ComputeEnvironment.get_cfn_attribute = _attribute_getter({"ComputeEnvironmentArn": "arn"})
    ComputeEnvironment.has_cfn_attr = classmethod(lambda cls, attr: attr == "ComputeEnvironmentArn")
    JobQueue.get_cfn_attribute = _attribute_getter({"JobQueueArn": "arn"})
    JobQueue.has_cfn_attr = classmethod(lambda cls, attr: attr == "JobQueueArn")
    ComputeEnvironment.create_from_cloudformation_json = classmethod(_create_compute_environment)
    JobDefinition.create_from_cloudformation_json = classmethod(_create_job_definition)
