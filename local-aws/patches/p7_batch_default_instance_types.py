"""Problem 7 (moto 5.2.1): EC2 compute environments with Batch's default instance types.

AWS Batch accepts the instance types ``default_x86_64`` and ``default_arm64``
(current-generation instances chosen by Batch; aws-cdk-lib writes them with
``defaultInstanceClasses``, and ``ManagedEc2EcsComputeEnvironment`` uses
``default_x86_64`` when no instance type is given and ``useOptimalInstanceClasses``
is false). moto only knows ``optimal`` and real EC2 types/families: creating such a
compute environment fails ``InvalidParameterValue: Instance type default_x86_64
does not exist`` (CloudFormation: HTTP 400 from CreateStack), and with
``minvCpus`` > 0 picking instances for it would raise ``IndexError``.

Fix: validate ``default_x86_64``/``default_arm64`` like ``optimal``, and when
instances are started for ``minvCpus``, start them as ``m6i.4xlarge`` /
``m6g.4xlarge`` (moto's ``optimal`` stands for ``m4.4xlarge`` the same way).
The compute environment is described with the instance types as given.
"""
from __future__ import annotations

_STAND_INS = {"default_x86_64": "m6i.4xlarge", "default_arm64": "m6g.4xlarge"}


def apply() -> None:
    from moto.batch.models import BatchBackend

    validate = BatchBackend._validate_compute_resources
    find_instances = BatchBackend.find_min_instances_to_meet_vcpus

    def _validate_compute_resources(self, cr):
        types = cr.get("instanceTypes")
        if types:
            cr = {**cr, "instanceTypes": ["optimal" if t in _STAND_INS else t for t in types]}
        return validate(self, cr)

    def find_min_instances_to_meet_vcpus(instance_types, target):
        return find_instances([_STAND_INS.get(t, t) for t in instance_types], target)

    _validate_compute_resources.__wrapped__ = validate
    BatchBackend._validate_compute_resources = _validate_compute_resources
    BatchBackend.find_min_instances_to_meet_vcpus = staticmethod(find_min_instances_to_meet_vcpus)
