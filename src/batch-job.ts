import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { LogDrivers } from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BatchEnvironment } from './batch-environment';
import { Platform } from './capacity';
import { hasFairShare } from './private/job-placement';
import { DEFAULT_CPU, defaultMemory, validateJobProps } from './private/job-validation';
import { LOG_STREAM_PREFIX_MAX_LENGTH } from './private/limits';
import { defaultJobDefinitionName, jobNameInEnvironment } from './private/names';
import { grantByNamePattern } from './private/permission-scope';

/** The status reason of a job whose Fargate Spot task was interrupted (ECS's stopped reason). */
const FARGATE_SPOT_INTERRUPTED = 'Your Spot Task was interrupted*';

/**
 * Props of a `BatchJob`.
 */
export interface BatchJobProps {
  /** The environment the job runs in: its platform, job log group and execution role. */
  readonly environment: BatchEnvironment;

  /**
   * The platform of the job definition.
   *
   * @default - the platform of `environment`
   */
  readonly platform?: Platform;

  /** The container image of the job. */
  readonly image: ecs.ContainerImage;

  /**
   * The vCPUs of the container. On EC2 a whole number of at least 1; on Fargate one of 0.25, 0.5, 1,
   * 2, 4, 8 or 16.
   *
   * @default 1
   */
  readonly cpu?: number;

  /**
   * The memory of the container, in whole MiB. On Fargate it must be a value Fargate allows for the
   * vCPUs: 512 MiB to 2 GiB for 0.25 vCPU, 2 to 8 GiB for 1 vCPU, 4 to 16 GiB for 2, and so on (see the link).
   *
   * @default - 2 GiB; on Fargate with more than 1 vCPU, the least Fargate allows: 2 GiB per vCPU
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html
   */
  readonly memory?: Size;

  /**
   * How many GPUs the container reserves, an integer of at least 1. EC2 only: Fargate has no GPUs.
   *
   * @default - no GPU
   */
  readonly gpu?: number;

  /**
   * The command of the container. `Ref::name` placeholders are replaced by the job's parameters;
   * a placeholder with no value is passed as is.
   *
   * @default - the image's `CMD`
   */
  readonly command?: string[];

  /**
   * Default values of the `Ref::name` placeholders in `command`; SubmitJob parameters override them.
   *
   * @default - no default parameters
   * @see https://docs.aws.amazon.com/batch/latest/userguide/job_definition_parameters.html#parameters
   */
  readonly parameters?: { [name: string]: string };

  /**
   * Environment variables of the container. Names starting with `AWS_BATCH` are reserved by Batch.
   *
   * @default - no environment variables
   */
  readonly environmentVariables?: { [name: string]: string };

  /**
   * Secrets given to the container as environment variables. The execution role is granted read
   * access to each: the environment's shared role, unless `executionRole` is given or the job is
   * in another stack than its environment (then the job's own).
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: batch.Secret };

  /**
   * The role the container's code runs as. The job is its grant principal: `bucket.grantRead(job)`.
   *
   * @default - a role trusted by `ecs-tasks.amazonaws.com` with no permissions
   */
  readonly jobRole?: iam.IRole;

  /**
   * The log group of the job, instead of the environment's shared one.
   *
   * @default - the environment's `jobLogGroup`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * The prefix of the job's log streams (`prefix/default/task-id`): at most 471 characters (a log
   * stream name has at most 512), without `:` or `*`, which log stream names cannot contain.
   *
   * @default - the job's path below its environment's stack (`Train`, or `Daily-Train` for a job in
   * a construct `Daily`; below its stage for a job in another stack than its environment,
   * `JobStack-Train`), with characters other than letters, digits, `-` and `_` replaced by `-`, and
   * cut to 471 characters
   */
  readonly logStreamPrefix?: string;

  /**
   * The role ECS uses to pull the image, read secrets and write logs. It is granted write access
   * to the job's log group only, and, by aws-cdk-lib, read access to the job's secrets and pull
   * access to its image when that is in ECR.
   *
   * @default - the environment's `jobExecutionRole`; a role of the job's own when the job is in
   * another stack than its environment (the environment's role, granted the job's image repository
   * or secrets in that stack, would make each stack depend on the other)
   */
  readonly executionRole?: iam.IRole;

  /**
   * How many times a job is tried in all, from 1 to 10.
   *
   * @default 3
   */
  readonly attempts?: number;

  /**
   * When to retry a failed attempt (at most 5). Strategies are matched in order.
   *
   * @default - retry when Spot capacity is reclaimed, by the status reason of the job's platform (EC2:
   * `Host EC2*`; Fargate: `Your Spot Task was interrupted*`), exit on any other reason (`*`)
   * @see https://docs.aws.amazon.com/batch/latest/userguide/job_retries.html
   */
  readonly retryStrategies?: batch.RetryStrategy[];

  /**
   * How long an attempt may run before Batch stops it, at least 60 seconds.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;

  /**
   * The name of the job definition: 1 to 128 letters, digits, hyphens and underscores.
   *
   * A name you give must be unique in its account and region, across stacks and stages: every
   * job definition of one name is a revision of one definition, and a state machine in another
   * stack than the job submits it by name, so it runs the latest active revision, whichever stack
   * registered it. The default name starts with the stack's name, so that each stage has its own.
   *
   * @default - the environment's `jobDefinitionNamePrefix` followed by the job's path, as in
   * `logStreamPrefix`; a name over 128 characters is cut and ends in a hash of the whole
   */
  readonly jobDefinitionName?: string;

  /**
   * The scheduling priority of the jobs in a fair-share job queue: 0 to 9999, higher first, among
   * the jobs of one share identifier. Batch rejects a job submitted to a fair-share queue without a
   * scheduling priority here or a `schedulingPriorityOverride` on the task.
   *
   * @default - 0 when the environment's job queue is one of this app with a fair-share scheduling
   * policy; otherwise none (give one for an imported fair-share queue)
   */
  readonly schedulingPriority?: number;
}

/**
 * An AWS Batch job definition of one container, with its own job role, logging to the
 * environment's log group through the environment's execution role. Adds two CloudFormation
 * resources (the job definition and the job role), plus the job role's policy once something is
 * granted to the job; the first job of an environment also adds the policy of the environment's
 * execution role, which every later job shares. In another stack than its environment, an execution
 * role of its own and its policy too.
 *
 * @see https://docs.aws.amazon.com/batch/latest/userguide/job_definitions.html
 */
export class BatchJob extends Construct implements iam.IGrantable {
  /** The job definition. */
  public readonly jobDefinition: batch.IJobDefinition;

  /** The role the container's code runs as. */
  public readonly jobRole: iam.IRole;

  /** The role ECS uses to pull the image, read secrets and write logs. */
  public readonly executionRole: iam.IRole;

  /** The log group the job writes to. */
  public readonly logGroup: logs.ILogGroup;

  /** The job role: grant it what the job's code needs. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The platform of the job definition. */
  public readonly platform: Platform;

  /** The environment the job runs in. */
  public readonly environment: BatchEnvironment;

  /** The name of the job definition. */
  public readonly jobDefinitionName: string;

  /**
   * @param scope the scope of the job
   * @param id the id of the job, unique in its scope
   * @param props the properties of the job
   */
  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    const name = jobNameInEnvironment(this, env);
    this.jobDefinitionName = props.jobDefinitionName ?? defaultJobDefinitionName(env.jobDefinitionNamePrefix, name);
    env._claimJobDefinitionName(this.jobDefinitionName, this);
    this.platform = props.platform ?? env.platform;
    validateJobProps(props, this.platform);

    this.jobRole = props.jobRole ?? new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    this.grantPrincipal = this.jobRole;
    // In another stack, the environment's role would be granted this job's image repository or
    // secrets there, and each stack would depend on the other: such a job gets a role of its own.
    const inEnvironmentStack = Stack.of(this) === Stack.of(env);
    this.executionRole = props.executionRole ?? (inEnvironmentStack
      ? env.jobExecutionRole
      : new iam.Role(this, 'ExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }));
    this.logGroup = props.logGroup ?? env.jobLogGroup;

    const container = {
      image: props.image,
      cpu: props.cpu ?? DEFAULT_CPU,
      memory: props.memory ?? defaultMemory(props.cpu ?? DEFAULT_CPU, this.platform),
      command: props.command,
      environment: props.environmentVariables,
      secrets: props.secrets,
      jobRole: this.jobRole,
      executionRole: this.executionRole,
      // The awslogs driver grants the execution role logs:CreateLogStream and logs:PutLogEvents on this group only.
      logging: LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: props.logStreamPrefix ?? name.slice(0, LOG_STREAM_PREFIX_MAX_LENGTH),
      }),
    };
    this.jobDefinition = new batch.EcsJobDefinition(this, 'Resource', {
      jobDefinitionName: this.jobDefinitionName,
      parameters: props.parameters,
      schedulingPriority: props.schedulingPriority ?? (hasFairShare(env.jobQueue) ? 0 : undefined),
      retryAttempts: props.attempts ?? 3,
      retryStrategies: props.retryStrategies ?? [
        // Each platform's own reason: an EC2 job never gets Fargate's, nor a Fargate job EC2's.
        batch.RetryStrategy.of(batch.Action.RETRY, this.platform === Platform.FARGATE
          ? batch.Reason.custom({ onStatusReason: FARGATE_SPOT_INTERRUPTED })
          : batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: '*' })),
      ],
      timeout: props.timeout ?? Duration.hours(1),
      container: this.platform === Platform.FARGATE
        ? new batch.EcsFargateContainerDefinition(this, 'Container', { ...container, assignPublicIp: env.assignPublicIp })
        : new batch.EcsEc2ContainerDefinition(this, 'Container', { ...container, gpu: props.gpu }),
    });
    if (this.jobDefinitionName.startsWith(env.jobDefinitionNamePrefix)) {
      // One permission for all the jobs of the environment: see the environment's jobDefinitionNamePrefix.
      grantByNamePattern(this.jobDefinition, `${env.jobDefinitionNamePrefix}*`);
    }
  }
}
