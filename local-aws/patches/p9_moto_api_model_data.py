"""Problem 9 (moto 5.2.1): ``GET /moto-api/data.json`` fails once a Batch job exists.

moto's model-data endpoint (``MotoAPIResponse.model_data``) serializes every
tracked model instance by reading each public attribute and skipping those
that raise ``TypeError``/``AttributeError``/``ValueError``. A Batch ``Job`` is
a ``DockerModel``, whose ``docker_client`` property connects to the Docker
daemon; without one it raises ``docker.errors.DockerException``, so after the
first submitted job (e.g. by a ``batch:submitJob.sync`` task) the endpoint
answers HTTP 500 -- and SNS messages published by a state machine can no
longer be read back from ``sns.Topic[].sent_notifications``. (With a Docker
daemon it would connect to it, although the launcher runs Batch without
Docker.)

Fix: the same endpoint, except that it never reads ``docker_client`` and skips
any attribute whose getter raises, whatever the exception.
"""
from __future__ import annotations

import json

_NEVER_READ = frozenset({"docker_client"})


def _model_data(self, request, full_url, headers):
    from moto.core.model_instances import model_data

    results = {}
    for service in sorted(model_data):
        models = model_data[service]
        results[service] = {}
        for name in sorted(models):
            results[service][name] = []
            for instance in models[name].instances_tracked:
                inst_result = {}
                for attr in dir(instance):
                    if attr.startswith("_") or attr in _NEVER_READ:
                        continue
                    try:
                        value = getattr(instance, attr)
                        json.dumps(value)
                    except Exception:  # noqa: BLE001 - whatever a getter raises, leave the attribute out
                        continue
                    inst_result[attr] = value
                results[service][name].append(inst_result)
    return 200, {"Content-Type": "application/javascript"}, json.dumps(results)


def apply() -> None:
    from moto.moto_api._internal.responses import MotoAPIResponse

    _model_data.__wrapped__ = MotoAPIResponse.model_data
    MotoAPIResponse.model_data = _model_data
