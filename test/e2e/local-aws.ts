/**
 * Helpers of the end-to-end tests that deploy the examples to local-aws (moto 5.2.1 with the
 * patches of local-aws/) and run their state machines. Everything talks to 127.0.0.1 only.
 */
import { BatchClient, DescribeJobsCommand, JobDetail } from '@aws-sdk/client-batch';
import { DescribeStateMachineCommand, DescribeStateMachineCommandOutput, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import {
  deployStack,
  DeployedStack,
  LocalAws,
  localAwsAvailable,
  localClientConfig,
  REQUIRED_MOTO_VERSION,
  startLocalAws,
} from '../../local-aws/harness';

/** How long one e2e test may take: starting moto, deploying and running an execution. */
export const E2E_TIMEOUT_MS = 120_000;

/** The status reason local-aws (like Batch) gives a job whose container exited. */
export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';

/**
 * The summary that BatchWorkflow's failure handling makes of a job that failed on local-aws
 * (exit code 1) in an execution, with the console link to its log stream in us-east-1.
 */
export function failedJobSummary(job: { jobId: string; jobName: string; logStreamPrefix: string; jobLogGroup: string; executionArn: string }) {
  const logStream = `${job.logStreamPrefix}/default/${job.jobId}`;
  return {
    JobId: job.jobId,
    JobName: job.jobName,
    Status: 'FAILED',
    Execution: job.executionArn,
    StatusReason: ESSENTIAL_CONTAINER_EXITED,
    ExitCode: 1,
    Logs: {
      LogStreamName: logStream,
      LogsUrl: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1'
        + `#logEventViewer:group=${job.jobLogGroup};stream=${logStream}`,
    },
  };
}

const availability = localAwsAvailable();

/**
 * `describe` when local-aws can run here, otherwise `describe.skip` after a visible warning that
 * says why and how to enable the tests.
 */
export function describeWithLocalAws(name: string, fn: () => void): void {
  if (availability.ok) {
    describe(name, fn);
    return;
  }
  const howTo = `install python3 and moto: pip install 'moto[server]==${REQUIRED_MOTO_VERSION}'`;
  // Straight to stderr: jest prints nothing of the console output of a suite whose tests are all skipped.
  process.stderr.write(`\nSKIPPED e2e tests "${name}": local-aws cannot run (${availability.reason}).\nTo run them, ${howTo}\n\n`);
  describe.skip(`${name} (SKIPPED: local-aws cannot run; ${howTo})`, fn);
}

/**
 * The template of a stack that `build` fills, in an app as the examples make theirs:
 * environment-agnostic, with no stack traces, and no bootstrap version rule (local-aws has no SSM
 * parameter for it).
 */
export function localAwsTemplate(stackName: string, build: (stack: Stack) => void): any {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  const stack = new Stack(app, stackName, { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
  build(stack);
  return app.synth().getStackByName(stack.stackName).template;
}

/** The resources of a template of the given CloudFormation type, by logical id. */
export function resourcesOfType(template: any, type: string): string[] {
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId]) => logicalId);
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function logicalIdOf(template: any, type: string, prefix = ''): string {
  const ids = resourcesOfType(template, type).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`expected one ${type} starting with "${prefix}", found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0];
}

/** A started local-aws with one stack deployed. */
export interface Deployment {
  readonly server: LocalAws;
  readonly stack: DeployedStack;
  readonly template: any;
  /** The ARN of the stack's one state machine. */
  readonly stateMachineArn: string;
  /** The physical id (ARN or name) of a resource of the template. */
  physicalId(logicalId: string): string;
}

/** Deploys a template with one state machine to a started local-aws. */
async function deployTo(server: LocalAws, stackName: string, template: any): Promise<Deployment> {
  const stack = await deployStack(server.endpoint, stackName, template);
  const physicalId = (logicalId: string) => {
    const id = stack.physicalIds[logicalId];
    if (id === undefined) throw new Error(`no resource ${logicalId} in stack ${stackName}`);
    return id;
  };
  return {
    server,
    stack,
    template,
    stateMachineArn: physicalId(logicalIdOf(template, 'AWS::StepFunctions::StateMachine')),
    physicalId,
  };
}

/** Starts local-aws (with failing jobs if asked) and deploys the template. Stops the server if deploying fails. */
export async function startAndDeploy(stackName: string, template: any, options: { failJobs?: boolean } = {}): Promise<Deployment> {
  const [deployment] = await startAndDeployEach([[stackName, template]], options);
  return deployment;
}

/**
 * Starts local-aws and deploys each template as the stack of that name, in order, on it. If a
 * deployment fails, the server is stopped and the tail of its log is added to the error.
 */
export async function startAndDeployEach(
  stacks: ReadonlyArray<readonly [string, any]>, options: { failJobs?: boolean } = {},
): Promise<Deployment[]> {
  const server = await startLocalAws({ failJobs: options.failJobs });
  try {
    const deployments: Deployment[] = [];
    for (const [stackName, template] of stacks) {
      deployments.push(await deployTo(server, stackName, template));
    }
    return deployments;
  } catch (err) {
    const tail = server.stderrTail();
    await server.stop();
    throw new Error(`${(err as Error).message}\n--- local-aws stderr (tail) ---\n${tail.slice(-3000)}`);
  }
}

/** One message published to an SNS topic, as moto records it. */
export interface SentNotification {
  readonly messageId: string;
  readonly message: string;
  readonly subject: string | null;
}

/**
 * The messages published to a topic, read from moto's state (`GET /moto-api/data.json`:
 * `sns.Topic[].sent_notifications`, entries `[message_id, message, subject, attributes, group_id]`).
 */
export async function sentNotifications(endpoint: string, topicArn: string): Promise<SentNotification[]> {
  const response = await fetch(`${endpoint}/moto-api/data.json`);
  if (!response.ok) throw new Error(`GET /moto-api/data.json: HTTP ${response.status}`);
  const data = await response.json() as any;
  const topic = (data.sns?.Topic ?? []).find((t: any) => t.arn === topicArn);
  if (!topic) throw new Error(`moto has no SNS topic ${topicArn}`);
  return (topic.sent_notifications ?? []).map(([messageId, message, subject]: [string, string, string | null]) =>
    ({ messageId, message, subject }));
}

/** DescribeJobs, in the order asked. */
export async function describeJobs(endpoint: string, jobIds: string[]): Promise<JobDetail[]> {
  const batch = new BatchClient(localClientConfig(endpoint));
  try {
    const jobs = (await batch.send(new DescribeJobsCommand({ jobs: jobIds }))).jobs ?? [];
    return jobIds.map((id) => {
      const job = jobs.find((j) => j.jobId === id);
      if (!job) throw new Error(`DescribeJobs returned no job ${id}`);
      return job;
    });
  } finally {
    batch.destroy();
  }
}

export async function describeStateMachine(endpoint: string, stateMachineArn: string): Promise<DescribeStateMachineCommandOutput> {
  const sfn = new SFNClient(localClientConfig(endpoint));
  try {
    return await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  } finally {
    sfn.destroy();
  }
}

/** The names of the states entered, in order (with repeats, e.g. for Map iterations). */
export function statesEntered(events: HistoryEvent[]): string[] {
  return events.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name!);
}

/** The input of the first state of that name entered, parsed. */
export function stateInput(events: HistoryEvent[], name: string): unknown {
  const entered = events.find((e) => e.stateEnteredEventDetails?.name === name);
  if (entered === undefined) { throw new Error(`no state ${name} was entered`); }
  return JSON.parse(entered.stateEnteredEventDetails!.input!);
}

/** The job IDs submitted by `batch:submitJob` tasks, in order (retries included). */
export function submittedJobIds(events: HistoryEvent[]): string[] {
  return events
    .filter((e) => e.type === 'TaskSubmitted' && e.taskSubmittedEventDetails?.resourceType === 'batch')
    .map((e) => JSON.parse(e.taskSubmittedEventDetails!.output!).JobId);
}

/** A job ID as Batch (and moto) writes it. */
export const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
