import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
// The files, not '../src': the bench must not depend on work in progress elsewhere in src/.
import { BatchEnvironment } from '../src/batch-environment';
import { BatchJob } from '../src/batch-job';
import { BatchWorkflow, BatchWorkflowProps } from '../src/batch-workflow';
import { SubmitJob } from '../src/submit-job';

/** Builds N jobs, each with its own job definition, chained in one state machine. */
export type Topology = (stack: Stack, jobs: number) => sfn.StateMachine;

const image = () => ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable');
const command = (i: number) => ['sh', '-c', `echo step ${i}`];

/**
 * Ours, as a user writes it: one BatchEnvironment (default Fargate), N BatchJob, N SubmitJob
 * chained in a BatchWorkflow (with its logging, tracing, alarms and failure handling).
 */
export const ours: Topology = (stack, jobs) => oursWith(stack, jobs);

/** Ours without the failure handling states (`handleFailures: false`): what those states cost. */
export const oursWithoutFailureHandling: Topology = (stack, jobs) => oursWith(stack, jobs, { handleFailures: false });

function oursWith(stack: Stack, jobs: number, workflowProps: Omit<BatchWorkflowProps, 'definition'> = {}): sfn.StateMachine {
  const environment = new BatchEnvironment(stack, 'Env');
  const steps = range(jobs).map((i) => {
    const job = new BatchJob(stack, `Job${i}`, { environment, image: image(), command: command(i) });
    return new SubmitJob(stack, `Submit${i}`, { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: `job-${i}` });
  });
  return new BatchWorkflow(stack, 'Workflow', { ...workflowProps, definition: chain(steps) }).stateMachine;
}

/** What the hand-wired topology adds, one part at a time, of what ours builds by default. */
export interface HandWiredParts {
  /** VPC flow logs to a log group kept one month. */
  readonly flowLogs?: boolean;
  /** State machine logging (ALL, to a log group kept one month) and X-Ray tracing. */
  readonly logging?: boolean;
  /** Alarms on failed, timed-out and aborted executions. */
  readonly alarms?: boolean;
  /**
   * Per job a job role of its own, and job logs kept one month: one log group and one execution
   * role shared by the jobs, as ours does.
   */
  readonly jobRolesAndLogs?: boolean;
  /**
   * The settings ours gives by default: per job a retry on Spot reclaim (exit otherwise), a one-hour
   * attempt timeout and a job definition name; jobs stuck in RUNNABLE cancelled after an hour; a
   * one-day state machine timeout.
   */
  readonly settings?: boolean;
}

/**
 * Hand-wired with aws-cdk-lib L2s only, as the issue measured it: a VPC, a Fargate compute
 * environment and a job queue; per job a job definition (an `EcsFargateContainerDefinition`, which
 * creates its own execution role and policy) and a BatchSubmitJob: 3 resources per job. `parts`
 * adds, one by one, what ours builds by default and this leaves out.
 */
export const handWired = (stack: Stack, jobs: number, parts: HandWiredParts = {}): sfn.StateMachine => {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  if (parts.flowLogs) {
    const flowLogs = new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
  }
  const computeEnvironment = new batch.FargateComputeEnvironment(stack, 'ComputeEnvironment', { vpc });
  const queue = new batch.JobQueue(stack, 'JobQueue', {
    computeEnvironments: [{ computeEnvironment, order: 1 }],
    ...parts.settings ? {
      jobStateTimeLimitActions: [
        batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
        batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
        batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
      ].map((reason) => ({
        action: batch.JobStateTimeLimitActionsAction.CANCEL,
        maxTime: Duration.hours(1),
        reason,
        state: batch.JobStateTimeLimitActionsState.RUNNABLE,
      })),
    } : {},
  });
  const shared = parts.jobRolesAndLogs ? {
    logGroup: new logs.LogGroup(stack, 'JobLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    executionRole: new iam.Role(stack, 'JobExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }),
  } : undefined;
  const steps = range(jobs).map((i) => {
    const definition = new batch.EcsJobDefinition(stack, `JobDefinition${i}`, {
      container: new batch.EcsFargateContainerDefinition(stack, `Container${i}`, {
        image: image(),
        command: command(i),
        cpu: 1,
        memory: Size.gibibytes(2),
        ...shared ? {
          jobRole: new iam.Role(stack, `JobRole${i}`, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }),
          executionRole: shared.executionRole,
          logging: ecs.LogDrivers.awsLogs({ streamPrefix: `job-${i}`, logGroup: shared.logGroup }),
        } : {},
      }),
      ...parts.settings ? {
        jobDefinitionName: `${stack.stackName}-job-${i}`,
        retryAttempts: 3,
        retryStrategies: [
          // Fargate's reason for a Spot reclaim, as ours gives a Fargate job.
          batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: 'Your Spot Task was interrupted*' })),
          batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: '*' })),
        ],
        timeout: Duration.hours(1),
      } : {},
    });
    return new tasks.BatchSubmitJob(stack, `Submit${i}`, {
      jobName: `job-${i}`,
      jobQueueArn: queue.jobQueueArn,
      jobDefinitionArn: definition.jobDefinitionArn,
    });
  });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(chain(steps)),
    ...parts.settings ? { timeout: Duration.days(1) } : {},
    ...parts.logging ? {
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(stack, 'StateMachineLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    } : {},
  });
  if (parts.alarms) {
    const metrics = { Failed: stateMachine.metricFailed(), TimedOut: stateMachine.metricTimedOut(), Aborted: stateMachine.metricAborted() };
    for (const [id, metric] of Object.entries(metrics)) {
      metric.createAlarm(stack, `${id}Alarm`, { threshold: 1, evaluationPeriods: 1 });
    }
  }
  return stateMachine;
};

/**
 * Hand-wired as above, plus everything ours builds and sets by default and the plain hand-wiring
 * leaves out: VPC flow logs; state machine logging (ALL, to a log group kept one month), X-Ray
 * tracing and a timeout; alarms on failed, timed-out and aborted executions; per job a job role, job
 * logs kept one month in a shared log group with a shared execution role, a retry on Spot reclaim,
 * an attempt timeout and a name; stuck jobs cancelled. It declares the same resources as ours, with
 * the same settings, so it tells their cost apart from the cost of the constructs themselves: the
 * failure handling states, the compact output selectors, the scoped role statements, the guards.
 */
export const handWiredSameResources: Topology = (stack, jobs) =>
  handWired(stack, jobs, { flowLogs: true, logging: true, alarms: true, jobRolesAndLogs: true, settings: true });

/** The topologies by name, for bench/peak-heap.ts. */
export const TOPOLOGIES: { [name: string]: Topology } = { ours, handWired, handWiredSameResources };

/**
 * From hand-wired to ours at one job, one step at a time: each of the resources ours builds by
 * default, then ours without and with its failure handling states. It shows where ours' fixed cost goes.
 */
export const FIXED_COST_STEPS: ReadonlyArray<readonly [string, Topology]> = [
  ['hand-wired', handWired],
  ['+ VPC flow logs', (stack, jobs) => handWired(stack, jobs, { flowLogs: true })],
  ['+ state machine logging and tracing', (stack, jobs) => handWired(stack, jobs, { flowLogs: true, logging: true })],
  ['+ three alarms', (stack, jobs) => handWired(stack, jobs, { flowLogs: true, logging: true, alarms: true })],
  ['+ job roles, shared job log group and execution role', (stack, jobs) =>
    handWired(stack, jobs, { flowLogs: true, logging: true, alarms: true, jobRolesAndLogs: true })],
  ['+ retry, timeouts, names, stuck-job cancel (hand-wired, same resources and settings)', handWiredSameResources],
  ['ours without failure handling', oursWithoutFailureHandling],
  ['ours', ours],
];

function chain(steps: sfn.TaskStateBase[]): sfn.IChainable {
  return steps.slice(1).reduce<sfn.Chain>((c, step) => c.next(step), sfn.Chain.start(steps[0]));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
