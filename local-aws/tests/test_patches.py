"""Tests for the local-aws launcher and its moto 5.2.1 patches (stdlib unittest only).

    python3 -m unittest discover -s local-aws/tests -v

For each known moto 5.2.1 problem there is one test that starts the launcher
WITHOUT that patch (LOCAL_AWS_DISABLE_PATCHES=N) and checks the exact failure,
then checks the same scenario is fixed on a server with ALL patches. The
end-to-end tests deploy the aws-cdk-lib generated fixture
(fixtures/batch-sfn-stack.template.json) and run its state machine, once with
jobs succeeding and once on a server started with --fail-jobs.

Every server started here is stopped (terminate, wait, kill on timeout), also
when a test fails.
"""
from __future__ import annotations

import copy
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, os.pardir, "launcher.py")
FIXTURE = os.path.join(HERE, "fixtures", "batch-sfn-stack.template.json")
READY_PREFIX = "local-aws ready on "
START_TIMEOUT = 30
ROLE_ARN = "arn:aws:iam::123456789012:role/local-aws-test"
PASS_DEFINITION = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


class LocalAwsServer:
    """One launcher process; stderr goes to a temp file (a full pipe would block the server)."""

    def __init__(self, disable: tuple[int, ...] = (), fail_jobs: bool = False):
        env = dict(os.environ)
        env["LOCAL_AWS_DISABLE_PATCHES"] = ",".join(str(n) for n in disable)
        for name in ("MOTO_PORT", "MOTO_SIMPLE_BATCH_FAIL_AFTER"):
            env.pop(name, None)
        # --exit-with-stdin: the server also goes away if this test process dies.
        cmd = [sys.executable, LAUNCHER, "--port", "0", "--exit-with-stdin"] + (["--fail-jobs"] if fail_jobs else [])
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file,
            env=env, start_new_session=True,
        )
        try:
            self.endpoint = self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline().decode()
                if line.startswith(READY_PREFIX):
                    return line[len(READY_PREFIX):].strip()
                if not line and self.proc.poll() is not None:
                    break
        raise RuntimeError(f"launcher did not become ready (exit={self.proc.poll()}):\n{self.stderr()[-3000:]}")

    def stderr(self) -> str:
        # The server writes through the same open file, so they share one file offset: a seek here
        # would make its next write land at that offset, over what it wrote before. pread reads
        # without moving the offset.
        fd = self.stderr_file.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.stderr_file.close()

    def client(self, service: str):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.endpoint + "/moto-api/reset", method="POST"), timeout=10)


PATCHED: LocalAwsServer | None = None
FAILING: LocalAwsServer | None = None


def setUpModule():
    global PATCHED
    PATCHED = LocalAwsServer()
    unittest.addModuleCleanup(PATCHED.stop)


def start_unpatched(test: unittest.TestCase, number: int, **kwargs) -> LocalAwsServer:
    server = LocalAwsServer(disable=(number,), **kwargs)
    test.addCleanup(server.stop)
    return server


def wait_for_stderr(server: LocalAwsServer, text: str, since: int = 0, timeout: float = 5) -> str:
    """The server's stderr from offset ``since``, once it contains ``text`` (or after ``timeout``).

    werkzeug sends the 500 response before it logs the traceback, so poll briefly.
    """
    deadline = time.monotonic() + timeout
    while True:
        tail = server.stderr()[since:]
        if text in tail or time.monotonic() > deadline:
            return tail
        time.sleep(0.05)


def patched() -> LocalAwsServer:
    PATCHED.reset()
    return PATCHED


def failing() -> LocalAwsServer:
    """The server with all patches started with --fail-jobs (started on first use, shared)."""
    global FAILING
    if FAILING is None:
        FAILING = LocalAwsServer(fail_jobs=True)
        unittest.addModuleCleanup(FAILING.stop)
    FAILING.reset()
    return FAILING


def load_fixture() -> dict:
    with open(FIXTURE) as f:
        return json.load(f)


def deploy(server: LocalAwsServer, template: dict, name: str | None = None) -> dict:
    cfn = server.client("cloudformation")
    name = name or f"stack-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    deadline = time.monotonic() + 60
    while True:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise AssertionError(f"stack {name}: {stack['StackStatus']} {stack.get('StackStatusReason')}")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def run_execution(server: LocalAwsServer, state_machine_arn: str, execution_input: dict, timeout: float = 30) -> dict:
    sfn = server.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=state_machine_arn, input=json.dumps(execution_input))["executionArn"]
    deadline = time.monotonic() + timeout
    while True:
        result = sfn.describe_execution(executionArn=arn)
        if result["status"] != "RUNNING":
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"execution {arn} still RUNNING after {timeout}s")
        time.sleep(0.2)


def create_pass_state_machine(server: LocalAwsServer) -> str:
    sfn = server.client("stepfunctions")
    return sfn.create_state_machine(name=f"sm-{uuid.uuid4().hex[:8]}", definition=PASS_DEFINITION, roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]


class TestLauncher(unittest.TestCase):
    def test_ready_line_loopback_and_execution_config(self):
        server = patched()
        self.assertRegex(server.endpoint, r"^http://127\.0\.0\.1:\d+$")
        with urllib.request.urlopen(server.endpoint + "/moto-api/config", timeout=10) as response:
            config = json.load(response)
        # moto's GET /moto-api/config only reports batch and lambda; execution is proven by the other tests.
        self.assertEqual(config["batch"], {"use_docker": False})
        self.assertIn("patches applied: [1, 2, 3, 4, 5, 6, 7, 8, 9]", server.stderr())

    def test_refuses_other_moto_versions(self):
        # Make importlib.metadata report another moto version, then run the launcher's main().
        code = (
            "import importlib.metadata as m, runpy, sys\n"
            "m.version = lambda name: '4.2.0' if name == 'moto' else m.version(name)\n"
            f"sys.argv = [{LAUNCHER!r}, '--port', '0']\n"
            f"runpy.run_path({LAUNCHER!r}, run_name='__main__')\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("moto 5.2.1 is required", proc.stderr)
        self.assertIn("4.2.0", proc.stderr)
        self.assertIn("pip install 'moto[server]==5.2.1'", proc.stderr)
        self.assertNotIn(READY_PREFIX, proc.stdout)


class TestPatches(unittest.TestCase):
    def test_p1_batch_parameters(self):
        # Without the patch: every batch:submitJob task fails, cause 'JobDefinition'.
        server = start_unpatched(self, 1)
        outputs = deploy(server, load_fixture())
        result = run_execution(server, outputs["StateMachineArn"], {"greeting": "hi"})
        self.assertEqual(result["status"], "FAILED")
        self.assertEqual(result["error"], "States.Runtime")
        self.assertIn("'JobDefinition'", result["cause"])

        # With the patch: parameters are converted recursively, responses come back in PascalCase.
        server = patched()
        outputs = deploy(server, load_fixture())
        definition = {
            "StartAt": "First",
            "States": {
                "First": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::batch:submitJob.sync",
                    "Parameters": {
                        "JobName": "first",
                        "JobQueue": outputs["JobQueueArn"],
                        "JobDefinition": outputs["JobDefinitionArn"],
                        "Parameters": {"inputKey": "v1"},
                        "Tags": {"team": "data"},
                        "Timeout": {"AttemptDurationSeconds": 90},
                        "RetryStrategy": {"Attempts": 2, "EvaluateOnExit": [{"OnExitCode": "1", "Action": "RETRY"}]},
                        "ContainerOverrides": {
                            "Command": ["run", "it"],
                            "Environment": [{"Name": "GREETING", "Value.$": "$.greeting"}],
                            "ResourceRequirements": [{"Type": "VCPU", "Value": "1"}],
                        },
                    },
                    "ResultPath": "$.first",
                    "Next": "Second",
                },
                "Second": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::batch:submitJob.sync",
                    "Parameters": {
                        "JobName": "second",
                        "JobQueue": outputs["JobQueueArn"],
                        "JobDefinition": outputs["JobDefinitionArn"],
                        "DependsOn": [{"JobId.$": "$.first.JobId", "Type": "SEQUENTIAL"}],
                        "ArrayProperties": {"Size": 2},
                    },
                    "ResultPath": "$.second",
                    "End": True,
                },
            },
        }
        sm_arn = server.client("stepfunctions").create_state_machine(
            name="p1", definition=json.dumps(definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
        result = run_execution(server, sm_arn, {"greeting": "hi"})
        self.assertEqual(result["status"], "SUCCEEDED", result.get("cause"))
        output = json.loads(result["output"])
        first, second = output["first"], output["second"]
        self.assertEqual(first["Status"], "SUCCEEDED")
        self.assertEqual(first["JobName"], "first")
        self.assertEqual(first["Parameters"], {"inputKey": "v1"})  # map keys untouched
        self.assertEqual(first["Tags"], {"team": "data"})
        self.assertEqual(first["Timeout"], {"AttemptDurationSeconds": 90})
        self.assertEqual(first["Container"]["Command"], ["run", "it"])
        self.assertIn({"Name": "GREETING", "Value": "hi"}, first["Container"]["Environment"])
        self.assertEqual(second["Status"], "SUCCEEDED")
        self.assertEqual(second["DependsOn"], [{"JobId": first["JobId"], "Type": "SEQUENTIAL"}])
        self.assertEqual(second["ArrayProperties"]["Size"], 2)
        jobs = server.client("batch").describe_jobs(jobs=[first["JobId"], second["JobId"]])["jobs"]
        self.assertEqual([j["jobName"] for j in jobs], ["first", "second"])

    def test_p2_second_start_execution(self):
        server = start_unpatched(self, 2)
        sm_arn = create_pass_state_machine(server)
        self.assertEqual(run_execution(server, sm_arn, {})["status"], "SUCCEEDED")
        with self.assertRaises(Exception) as caught:
            server.client("stepfunctions").start_execution(stateMachineArn=sm_arn, name="second", input="{}")
        self.assertIn("500", str(caught.exception))
        self.assertIn(
            "TypeError: cannot pickle '_thread.RLock' object",
            wait_for_stderr(server, "TypeError: cannot pickle '_thread.RLock' object"),
        )

        server = patched()
        sm_arn = create_pass_state_machine(server)
        for _ in range(3):
            self.assertEqual(run_execution(server, sm_arn, {})["status"], "SUCCEEDED")
        self.assertNotIn("cannot pickle", server.stderr())

    def test_p3_unnamed_executions(self):
        server = start_unpatched(self, 3)
        sfn = server.client("stepfunctions")
        sm_arn = create_pass_state_machine(server)
        first = run_execution(server, sm_arn, {})
        self.assertTrue(first["executionArn"].endswith(":None"), first["executionArn"])
        with self.assertRaises(ClientError) as caught:
            sfn.start_execution(stateMachineArn=sm_arn, input="{}")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ExecutionAlreadyExists")

        server = patched()
        sm_arn = create_pass_state_machine(server)
        arns = [run_execution(server, sm_arn, {})["executionArn"] for _ in range(2)]
        self.assertNotEqual(arns[0], arns[1])
        for arn in arns:
            name = arn.rsplit(":", 1)[1]
            self.assertEqual(str(uuid.UUID(name)), name)

    def test_p4_cloudformation_state_machine(self):
        template = {
            "Resources": {
                "Machine": {
                    "Type": "AWS::StepFunctions::StateMachine",
                    "Properties": {"DefinitionString": PASS_DEFINITION, "RoleArn": ROLE_ARN},
                }
            },
            "Outputs": {"StateMachineArn": {"Value": {"Ref": "Machine"}}},
        }
        server = start_unpatched(self, 4)
        sm_arn = deploy(server, template)["StateMachineArn"]
        with self.assertRaises(ClientError) as caught:
            server.client("stepfunctions").describe_state_machine(stateMachineArn=sm_arn)
        self.assertEqual(caught.exception.response["Error"]["Code"], "StateMachineDoesNotExist")

        server = patched()
        sm_arn = deploy(server, template)["StateMachineArn"]
        self.assertEqual(server.client("stepfunctions").describe_state_machine(stateMachineArn=sm_arn)["stateMachineArn"], sm_arn)
        self.assertEqual(run_execution(server, sm_arn, {"a": 1})["status"], "SUCCEEDED")

    def test_p5_cloudformation_batch(self):
        """The CDK fixture fails on each item in turn; each variant works around the previous ones."""
        server = start_unpatched(self, 5)
        variants = cdk_batch_variants(load_fixture())
        expected = {
            "cdk-as-written": "KeyError: 'ServiceRole'",
            "with-service-role": "type managed must be one of MANAGED | UNMANAGED",
            "upper-case-type": "AttributeError: 'ComputeEnvironment' object has no attribute 'get_cfn_attribute'",
            "ref-compute-environment": "AttributeError: 'JobQueue' object has no attribute 'get_cfn_attribute'",
            "ref-job-queue-no-retry-strategy": "KeyError: 'RetryStrategy'",
        }
        for label, template in variants:
            if label not in expected:
                continue
            with self.subTest(label):
                before = len(server.stderr())
                with self.assertRaises(Exception) as caught:
                    deploy(server, template)
                self.assertIn(expected[label], str(caught.exception) + wait_for_stderr(server, expected[label], before))
        # With every work-around, the stack deploys but Timeout and PlatformCapabilities are lost.
        outputs = deploy(server, variants[-1][1])
        job_def = server.client("batch").describe_job_definitions(jobDefinitions=[outputs["JobDefinitionArn"]])
        self.assertNotIn("timeout", job_def["jobDefinitions"][0])
        self.assertIsNone(job_def["jobDefinitions"][0].get("platformCapabilities"))

        server = patched()
        outputs = deploy(server, load_fixture())  # the CDK template exactly as written
        batch = server.client("batch")
        job_def = batch.describe_job_definitions(jobDefinitions=[outputs["JobDefinitionArn"]])["jobDefinitions"][0]
        self.assertEqual(job_def["timeout"], {"attemptDurationSeconds": 600})
        self.assertEqual(job_def["platformCapabilities"], ["FARGATE"])
        self.assertEqual(job_def["type"], "container")
        env = batch.describe_compute_environments(computeEnvironments=[outputs["ComputeEnvironmentArn"]])[
            "computeEnvironments"
        ][0]
        self.assertEqual(env["type"], "MANAGED")
        self.assertTrue(env["serviceRole"].endswith(":role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"))
        queue = batch.describe_job_queues(jobQueues=[outputs["JobQueueArn"]])["jobQueues"][0]
        self.assertEqual(queue["computeEnvironmentOrder"][0]["computeEnvironment"], outputs["ComputeEnvironmentArn"])
        # A job definition without RetryStrategy deploys too.
        template = load_fixture()
        del template["Resources"][resource_of_type(template, "AWS::Batch::JobDefinition")]["Properties"]["RetryStrategy"]
        deploy(server, template)


def resource_of_type(template: dict, resource_type: str) -> str:
    (logical_id,) = [k for k, v in template["Resources"].items() if v["Type"] == resource_type]
    return logical_id


def cdk_batch_variants(template: dict) -> list[tuple[str, dict]]:
    """The fixture, then copies that each work around one more thing unpatched moto rejects."""
    variants = [("cdk-as-written", copy.deepcopy(template))]
    ce = resource_of_type(template, "AWS::Batch::ComputeEnvironment")
    jq = resource_of_type(template, "AWS::Batch::JobQueue")
    jd = resource_of_type(template, "AWS::Batch::JobDefinition")
    t = copy.deepcopy(template)
    t["Resources"]["LocalAwsBatchServiceRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "batch.amazonaws.com"}}],
            }
        },
    }
    t["Resources"][ce]["Properties"]["ServiceRole"] = {"Fn::GetAtt": ["LocalAwsBatchServiceRole", "Arn"]}
    variants.append(("with-service-role", copy.deepcopy(t)))
    t["Resources"][ce]["Properties"]["Type"] = "MANAGED"
    variants.append(("upper-case-type", copy.deepcopy(t)))
    t = replace_get_att(t, ce, "ComputeEnvironmentArn")
    variants.append(("ref-compute-environment", copy.deepcopy(t)))
    t = replace_get_att(t, jq, "JobQueueArn")
    del t["Resources"][jd]["Properties"]["RetryStrategy"]
    variants.append(("ref-job-queue-no-retry-strategy", copy.deepcopy(t)))
    t["Resources"][jd]["Properties"]["RetryStrategy"] = {}
    variants.append(("all-work-arounds", t))
    return variants


def replace_get_att(template: dict, logical_id: str, attribute: str) -> dict:
    """Fn::GetAtt [id, attribute] -> Ref id (Ref of Batch resources is their ARN as well)."""
    text = json.dumps(template).replace(
        json.dumps({"Fn::GetAtt": [logical_id, attribute]}), json.dumps({"Ref": logical_id})
    )
    return json.loads(text)


def batch_task(outputs: dict, name: str = "job", **extra) -> dict:
    """A batch:submitJob.sync Task state on the fixture's queue and job definition."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::batch:submitJob.sync",
        "Parameters": {
            "JobName": name,
            "JobQueue": outputs["JobQueueArn"],
            "JobDefinition": outputs["JobDefinitionArn"],
        },
        **extra,
    }


def create_state_machine(server: LocalAwsServer, definition: dict) -> str:
    return server.client("stepfunctions").create_state_machine(
        name=f"sm-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]


def register_logged_job_definition(server: LocalAwsServer) -> str:
    """A Fargate job definition logging with awslogs, stream prefix 'worker' (as BatchJob writes them)."""
    return server.client("batch").register_job_definition(
        jobDefinitionName="logged",
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties={
            "image": "public.ecr.aws/docker/library/busybox:latest",
            "command": ["echo", "hello"],
            "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "jobs", "awslogs-stream-prefix": "worker", "awslogs-region": "us-east-1"},
            },
        },
    )["jobDefinitionArn"]


class TestFinishedJobDetail(unittest.TestCase):
    """Patch 1, second part: stopped jobs carry statusReason, exitCode and logStreamName like real Batch."""

    def submit_and_describe(self, server: LocalAwsServer, **kwargs) -> dict:
        outputs = deploy(server, load_fixture())
        job_def = register_logged_job_definition(server)
        batch = server.client("batch")
        job_id = batch.submit_job(jobName="logged", jobQueue=outputs["JobQueueArn"], jobDefinition=job_def, **kwargs)["jobId"]
        return batch.describe_jobs(jobs=[job_id])["jobs"][0]

    def test_p1_describe_jobs_without_patch(self):
        job = self.submit_and_describe(start_unpatched(self, 1))
        self.assertEqual(job["status"], "SUCCEEDED")
        self.assertNotIn("statusReason", job)
        self.assertNotIn("exitCode", job["container"])
        self.assertNotIn("exitCode", job["attempts"][0]["container"])
        self.assertEqual(job["container"]["logStreamName"], f"logged/default/{job['jobId']}")  # prefix ignored

    def test_p1_describe_jobs_succeeded_and_failed(self):
        for server, status, exit_code in ((patched(), "SUCCEEDED", 0), (failing(), "FAILED", 1)):
            with self.subTest(status):
                job = self.submit_and_describe(server)
                stream = f"worker/default/{job['jobId']}"
                self.assertEqual(job["status"], status)
                self.assertEqual(job["statusReason"], "Essential container in task exited")
                self.assertEqual(job["container"]["exitCode"], exit_code)
                self.assertEqual(job["container"]["logStreamName"], stream)
                self.assertEqual(job["container"]["logConfiguration"]["options"]["awslogs-group"], "jobs")
                (attempt,) = job["attempts"]
                self.assertEqual(attempt["statusReason"], "Essential container in task exited")
                self.assertEqual(attempt["container"]["exitCode"], exit_code)
                self.assertEqual(attempt["container"]["logStreamName"], stream)
                # Describing again gives the same (the job's own attempt records are not modified).
                again = server.client("batch").describe_jobs(jobs=[job["jobId"]])["jobs"][0]
                self.assertEqual(again, job)

    def test_p1_array_parent_has_no_exit_code(self):
        job = self.submit_and_describe(patched(), arrayProperties={"size": 2})
        self.assertEqual(job["arrayProperties"]["size"], 2)
        self.assertNotIn("statusReason", job)
        self.assertNotIn("exitCode", job["container"])
        self.assertNotIn("logStreamName", job["container"])
        child = PATCHED.client("batch").describe_jobs(jobs=[f"{job['jobId']}:0"])["jobs"][0]
        self.assertEqual(child["container"]["exitCode"], 0)
        self.assertEqual(child["statusReason"], "Essential container in task exited")

    def test_p1_sync_output_and_failure_cause(self):
        definition = {"StartAt": "Job", "States": {}}
        for server, status in ((patched(), "SUCCEEDED"), (failing(), "FAILED")):
            with self.subTest(status):
                outputs = deploy(server, load_fixture())
                definition["States"]["Job"] = batch_task(outputs, End=True)
                result = run_execution(server, create_state_machine(server, definition), {})
                self.assertEqual(result["status"], status, result.get("cause"))
                job = json.loads(result["output"] if status == "SUCCEEDED" else result["cause"])
                exit_code = 0 if status == "SUCCEEDED" else 1
                self.assertEqual(job["Status"], status)
                self.assertEqual(job["StatusReason"], "Essential container in task exited")
                self.assertEqual(job["Container"]["ExitCode"], exit_code)
                self.assertEqual(job["Attempts"][-1]["Container"]["ExitCode"], exit_code)
                name = outputs["JobDefinitionArn"].split("/")[-1].split(":")[0]  # no stream prefix: the definition name
                self.assertEqual(job["Container"]["LogStreamName"], f"{name}/default/{job['JobId']}")
                if status == "FAILED":
                    self.assertEqual(result["error"], "States.TaskFailed")


class TestBranchErrors(unittest.TestCase):
    """Patch 6: States.* errors out of Parallel branches and Map iterations reach the state's Catch."""

    @staticmethod
    def definitions(outputs: dict, errors: list[str]) -> dict[str, dict]:
        catch = [{"ErrorEquals": errors, "ResultPath": "$.error", "Next": "Caught"}]
        caught = {"Type": "Pass", "End": True}
        branch = {"StartAt": "Job", "States": {"Job": batch_task(outputs, End=True)}}
        return {
            "parallel": {
                "StartAt": "Run",
                "States": {"Run": {"Type": "Parallel", "Branches": [branch], "Catch": catch, "End": True}, "Caught": caught},
            },
            "map": {
                "StartAt": "Each",
                "States": {
                    "Each": {"Type": "Map", "ItemsPath": "$.items", "Iterator": branch, "Catch": catch, "End": True},
                    "Caught": caught,
                },
            },
        }

    def test_p6_without_patch(self):
        server = start_unpatched(self, 6, fail_jobs=True)
        outputs = deploy(server, load_fixture())
        for label, definition in self.definitions(outputs, ["States.TaskFailed"]).items():
            with self.subTest(label):
                result = run_execution(server, create_state_machine(server, definition), {"items": [1]})
                self.assertEqual(result["status"], "FAILED")
                self.assertEqual(result["error"], "States.Runtime")
                self.assertIn(
                    "Custom Error Names MUST NOT begin with the prefix 'States.', got 'States.TaskFailed'", result["cause"]
                )

    def test_p6_caught_or_propagated(self):
        server = failing()
        outputs = deploy(server, load_fixture())
        for label, definition in self.definitions(outputs, ["States.TaskFailed"]).items():
            with self.subTest(label):
                result = run_execution(server, create_state_machine(server, definition), {"items": [1]})
                self.assertEqual(result["status"], "SUCCEEDED", result.get("cause"))
                error = json.loads(result["output"])["error"]
                self.assertEqual(error["Error"], "States.TaskFailed")
                self.assertEqual(json.loads(error["Cause"])["Status"], "FAILED")
        # A Catch on another States.* error does not catch it: the execution fails with the branch's error.
        for label, definition in self.definitions(outputs, ["States.Timeout"]).items():
            with self.subTest(f"{label}, not caught"):
                result = run_execution(server, create_state_machine(server, definition), {"items": [1]})
                self.assertEqual(result["status"], "FAILED")
                self.assertEqual(result["error"], "States.TaskFailed")
                self.assertEqual(json.loads(result["cause"])["Status"], "FAILED")


class TestDefaultInstanceTypes(unittest.TestCase):
    """Patch 7: EC2 compute environments with instanceTypes default_x86_64 / default_arm64."""

    @staticmethod
    def create(server: LocalAwsServer, instance_type: str, min_vcpus: int = 0) -> dict:
        ec2, iam, batch = server.client("ec2"), server.client("iam"), server.client("batch")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName=f"sg-{uuid.uuid4().hex[:8]}", Description="ce", VpcId=vpc)["GroupId"]
        profile = iam.create_instance_profile(InstanceProfileName=f"ip-{uuid.uuid4().hex[:8]}")["InstanceProfile"]["Arn"]
        role = iam.create_role(RoleName=f"r-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        return batch.create_compute_environment(
            computeEnvironmentName=f"ce-{uuid.uuid4().hex[:8]}",
            type="MANAGED",
            state="ENABLED",
            serviceRole=role,
            computeResources={
                "type": "EC2",
                "minvCpus": min_vcpus,
                "maxvCpus": 256,
                "instanceTypes": [instance_type],
                "subnets": [subnet],
                "securityGroupIds": [group],
                "instanceRole": profile,
            },
        )

    def test_p7_without_patch(self):
        server = start_unpatched(self, 7)
        with self.assertRaises(ClientError) as caught:
            self.create(server, "default_x86_64")
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidParameterValue")
        self.assertIn("Instance type default_x86_64 does not exist", str(caught.exception))

    def test_p7_default_instance_types(self):
        server = patched()
        for instance_type, stand_in in (("default_x86_64", "m6i.4xlarge"), ("default_arm64", "m6g.4xlarge")):
            with self.subTest(instance_type):
                arn = self.create(server, instance_type, min_vcpus=16)["computeEnvironmentArn"]
                (env,) = server.client("batch").describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"]
                self.assertEqual(env["computeResources"]["instanceTypes"], [instance_type])
                reservations = server.client("ec2").describe_instances()["Reservations"]
                types = {i["InstanceType"] for r in reservations for i in r["Instances"]}
                self.assertIn(stand_in, types)


class TestStateMachineConfiguration(unittest.TestCase):
    """Patch 8: LoggingConfiguration and TracingConfiguration of AWS::StepFunctions::StateMachine."""

    TEMPLATE = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup"},
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": PASS_DEFINITION,
                    "RoleArn": ROLE_ARN,
                    "LoggingConfiguration": {
                        "Level": "ALL",
                        "IncludeExecutionData": True,
                        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": ["Logs", "Arn"]}}}],
                    },
                    "TracingConfiguration": {"Enabled": True},
                },
            },
        },
        "Outputs": {"StateMachineArn": {"Value": {"Ref": "Machine"}}, "LogGroupArn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}},
    }

    def test_p8_without_patch(self):
        server = start_unpatched(self, 8)
        outputs = deploy(server, self.TEMPLATE)
        described = server.client("stepfunctions").describe_state_machine(stateMachineArn=outputs["StateMachineArn"])
        self.assertEqual(described["loggingConfiguration"], {"level": "OFF"})
        self.assertEqual(described["tracingConfiguration"], {"enabled": False})

    def test_p8_logging_and_tracing(self):
        server = patched()
        outputs = deploy(server, self.TEMPLATE)
        described = server.client("stepfunctions").describe_state_machine(stateMachineArn=outputs["StateMachineArn"])
        self.assertEqual(
            described["loggingConfiguration"],
            {
                "level": "ALL",
                "includeExecutionData": True,
                "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": outputs["LogGroupArn"]}}],
            },
        )
        self.assertEqual(described["tracingConfiguration"], {"enabled": True})
        self.assertEqual(run_execution(server, outputs["StateMachineArn"], {})["status"], "SUCCEEDED")


class TestModelData(unittest.TestCase):
    """Patch 9: GET /moto-api/data.json keeps working once a Batch job exists."""

    @staticmethod
    def run_job_then_get_data(server: LocalAwsServer):
        outputs = deploy(server, load_fixture())
        result = run_execution(server, outputs["StateMachineArn"], {"greeting": "hi"})
        assert result["status"] == "SUCCEEDED", result
        return urllib.request.urlopen(server.endpoint + "/moto-api/data.json", timeout=20)

    def test_p9_without_patch(self):
        server = start_unpatched(self, 9)
        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.run_job_then_get_data(server)
        self.assertEqual(caught.exception.code, 500)
        self.assertIn("DockerException", wait_for_stderr(server, "DockerException"))

    def test_p9_data_json_with_batch_jobs(self):
        with self.run_job_then_get_data(patched()) as response:
            data = json.load(response)
        (job,) = data["batch"]["Job"]
        self.assertEqual((job["job_name"], job["status"]), ("local-aws-job", "SUCCEEDED"))
        self.assertNotIn("docker_client", job)


class TestEndToEnd(unittest.TestCase):
    def test_cdk_stack_execution_succeeds(self):
        server = patched()
        outputs = deploy(server, load_fixture())
        result = run_execution(server, outputs["StateMachineArn"], {"greeting": "hello"})
        self.assertEqual(result["status"], "SUCCEEDED", result.get("cause"))
        output = json.loads(result["output"])
        self.assertEqual(output["greeting"], "hello")
        job = output["job"]
        self.assertEqual(job["Status"], "SUCCEEDED")
        self.assertEqual(job["JobName"], "local-aws-job")
        self.assertEqual(job["JobQueue"], outputs["JobQueueArn"])
        described = server.client("batch").describe_jobs(jobs=[job["JobId"]])["jobs"][0]
        self.assertEqual(described["status"], "SUCCEEDED")
        env = {e["name"]: e["value"] for e in described["container"]["environment"]}
        self.assertEqual(env["GREETING"], "hello")
        history = server.client("stepfunctions").get_execution_history(executionArn=result["executionArn"])["events"]
        types = [e["type"] for e in history]
        self.assertEqual(types[0], "ExecutionStarted")
        self.assertIn("TaskSubmitted", types)
        self.assertEqual(types[-1], "ExecutionSucceeded")

    def test_cdk_stack_execution_fails_with_failing_jobs(self):
        server = LocalAwsServer(fail_jobs=True)
        self.addCleanup(server.stop)
        outputs = deploy(server, load_fixture())
        result = run_execution(server, outputs["StateMachineArn"], {"greeting": "hello"})
        self.assertEqual(result["status"], "FAILED")
        self.assertEqual(result["error"], "States.TaskFailed")
        cause = json.loads(result["cause"])
        self.assertEqual(cause["Status"], "FAILED")
        self.assertEqual(cause["JobName"], "local-aws-job")
        self.assertIn("JobId", cause)

    def test_sns_publish_task_is_observable(self):
        """A state machine's sns:publish task publishes through moto's SNS (no patch needed).

        The message can be read back from GET /moto-api/data.json (sns.Topic[].sent_notifications,
        entries [message_id, message, subject, message_attributes, group_id]) or, like on AWS,
        from an SQS queue subscribed to the topic.
        """
        server = patched()
        sns, sqs = server.client("sns"), server.client("sqs")
        topic_arn = sns.create_topic(Name="notifications")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="notifications")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        definition = {
            "StartAt": "Notify",
            "States": {
                "Notify": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": topic_arn, "Subject": "job done", "Message.$": "$"},
                    "End": True,
                }
            },
        }
        sm_arn = server.client("stepfunctions").create_state_machine(
            name="notify", definition=json.dumps(definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
        result = run_execution(server, sm_arn, {"jobId": "j-1", "status": "SUCCEEDED"})
        self.assertEqual(result["status"], "SUCCEEDED", result.get("cause"))
        message_id = json.loads(result["output"])["MessageId"]

        with urllib.request.urlopen(server.endpoint + "/moto-api/data.json", timeout=10) as response:
            topics = json.load(response)["sns"]["Topic"]
        (topic,) = [t for t in topics if t["arn"] == topic_arn]
        (sent,) = topic["sent_notifications"]
        self.assertEqual(sent[0], message_id)
        self.assertEqual(json.loads(sent[1]), {"jobId": "j-1", "status": "SUCCEEDED"})  # object input is stringified
        self.assertEqual(sent[2], "job done")

        messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
        body = json.loads(messages[0]["Body"])
        self.assertEqual((body["MessageId"], body["Subject"]), (message_id, "job done"))
        self.assertEqual(json.loads(body["Message"]), {"jobId": "j-1", "status": "SUCCEEDED"})


if __name__ == "__main__":
    unittest.main()
