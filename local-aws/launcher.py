#!/usr/bin/env python3
"""Run moto 5.2.1's server on 127.0.0.1 with the local-aws patches applied.

    python3 local-aws/launcher.py --port 0 [--fail-jobs] [--verbose]

* Refuses any moto other than 5.2.1 (exit code 2): the patches replace moto
  internals and are only known to be right for that exact version.
* Binds 127.0.0.1 only. ``--port 0`` picks a free port.
* Prints exactly one line ``local-aws ready on http://127.0.0.1:PORT`` on
  stdout once the socket is listening.
* Sets MOTO_PORT (the Step Functions interpreter calls Batch/SNS/... back on
  http://localhost:$MOTO_PORT) and enables state machine execution with the
  non-docker Batch backend, as POST /moto-api/config
  {"stepfunctions":{"execute_state_machine":true},"batch":{"use_docker":false}}
  would.
* LOCAL_AWS_DISABLE_PATCHES=1,3 skips patches 1 and 3 (tests use it to show
  that each patch is needed).
* --fail-jobs sets MOTO_SIMPLE_BATCH_FAIL_AFTER=0 before moto is imported, so
  every Batch job ends FAILED.
* --exit-with-stdin: exit when stdin reaches EOF, i.e. when the process that
  started us (and holds the other end of the pipe) goes away, even if it was
  killed before it could stop us.
* The server never reads the user's AWS configuration: AWS_PROFILE is dropped,
  the shared config/credentials files point to os.devnull and dummy
  credentials are set (the Step Functions interpreter creates boto3 clients).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

REQUIRED_MOTO_VERSION = "5.2.1"
EXECUTION_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "batch": {"use_docker": False},
}


def check_moto_version() -> None:
    from importlib import metadata

    try:
        installed = metadata.version("moto")
    except metadata.PackageNotFoundError:
        installed = "not installed"
    if installed != REQUIRED_MOTO_VERSION:
        sys.stderr.write(
            f"local-aws: moto {REQUIRED_MOTO_VERSION} is required, but the installed moto is "
            f"{installed} ({sys.executable}).\n"
            f"local-aws: install it with: pip install 'moto[server]=={REQUIRED_MOTO_VERSION}'\n"
        )
        sys.exit(2)


def disabled_patches_from_env() -> set[int]:
    raw = os.environ.get("LOCAL_AWS_DISABLE_PATCHES", "").strip()
    if not raw:
        return set()
    try:
        return {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        sys.stderr.write(f"local-aws: LOCAL_AWS_DISABLE_PATCHES must be a comma list of numbers, got {raw!r}\n")
        sys.exit(2)


def isolate_from_user_aws_config() -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"


def exit_when_stdin_closes() -> None:
    def watch():
        while sys.stdin.buffer.read(65536):
            pass
        os._exit(0)

    threading.Thread(target=watch, name="local-aws-stdin-watchdog", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")
    parser.add_argument("--fail-jobs", action="store_true", help="every Batch job ends FAILED")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    parser.add_argument("--exit-with-stdin", action="store_true", help="exit when stdin is closed")
    args = parser.parse_args(argv)

    check_moto_version()
    isolate_from_user_aws_config()
    if args.fail_jobs:
        # Read by moto.batch_simple when a job is submitted; set before moto is imported.
        os.environ["MOTO_SIMPLE_BATCH_FAIL_AFTER"] = "0"
    disabled = disabled_patches_from_env()

    sys.dont_write_bytecode = True  # keep patches/__pycache__ out of the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from patches import apply_patches

    applied = apply_patches(disabled)
    sys.stderr.write(f"local-aws: patches applied: {applied or 'none'}; disabled: {sorted(disabled) or 'none'}\n")

    from moto.moto_api._internal.models import moto_api_backend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", args.port, app, threaded=True)  # bound + listening
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)
    moto_api_backend.set_config(EXECUTION_CONFIG)

    def _stop(signum, frame):  # noqa: ARG001
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.exit_with_stdin:
        exit_when_stdin_closes()

    print(f"local-aws ready on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
        sys.stderr.flush()
        # Step Functions executions run in non-daemon threads; do not wait for them.
        os._exit(0)


if __name__ == "__main__":
    main()
