import { Annotations, Duration } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Capacity, Platform } from './capacity';
import { validateEnvironmentProps } from './private/environment-validation';
import { BatchValidationError } from './private/errors';
import { jobDefinitionNamePrefix } from './private/names';

/**
 * Props of a `BatchEnvironment`. Each resource can be given, or created from options; not both.
 */
export interface BatchEnvironmentProps {
  /**
   * The VPC the compute environments launch into. Not with `jobQueue` or `computeEnvironments`,
   * whose compute environments have their network already.
   *
   * @default - a VPC over 2 Availability Zones with public and private (with egress) subnets,
   * `natGateways` NAT gateways, and flow logs to a CloudWatch log group kept one month
   */
  readonly vpc?: ec2.IVpc;

  /**
   * How many NAT gateways the created VPC has: 1 (cheaper) or 2 (one per Availability Zone).
   * Only when the VPC is created, not with `vpc`. Not a token.
   *
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * The subnets the compute environments launch into.
   *
   * @default - the private subnets with egress of the VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The compute environments of the job queue, in fallback order: Batch places a job in the
   * first one with room. At most 3, all Fargate or all EC2 (a Batch job queue cannot mix them).
   *
   * @default - `[Capacity.fargate()]`, or `[Capacity.ec2OnDemand()]` when `platform` is `Platform.EC2`
   * @see https://docs.aws.amazon.com/batch/latest/userguide/compute_environments.html
   */
  readonly capacity?: Capacity[];

  /**
   * The platform of the jobs. Required with `jobQueue` or `computeEnvironments`, since an imported
   * queue or compute environment does not tell (when they are constructs of this app, it must be
   * theirs); without them, it picks the default `capacity`, and it cannot be given with `capacity`.
   *
   * @default - the platform of `capacity`
   */
  readonly platform?: Platform;

  /**
   * The security groups of the compute environments: groups of `vpc`, which is then required
   * (a security group attaches only in subnets of its own VPC).
   *
   * @default - one security group with no ingress and all egress
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether Fargate jobs get a public IP address. True only on Fargate; on EC2 the subnet decides.
   * Jobs in private subnets with egress do not need one; jobs in public subnets do, to pull their
   * image and write their logs (synth warns when public subnets are selected without it).
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * The priority of the job queue, an integer from 0 to 1,000. Higher priority queues sharing a
   * compute environment are scheduled first.
   *
   * @default 1
   */
  readonly priority?: number;

  /**
   * Whether the job queue cancels jobs stuck in `RUNNABLE` because no compute environment can run
   * them (`INSUFFICIENT_INSTANCE_CAPACITY`, `COMPUTE_ENVIRONMENT_MAX_RESOURCE`, `JOB_RESOURCE_REQUIREMENT`).
   *
   * @default true
   * @see https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html
   */
  readonly cancelStuckJobs?: boolean;

  /**
   * How long a job may stay stuck in `RUNNABLE` before the queue cancels it: 10 minutes to 24 hours,
   * not a token.
   *
   * @default Duration.hours(1)
   */
  readonly cancelStuckJobsAfter?: Duration;

  /**
   * The fair-share scheduling policy of the job queue.
   *
   * @default - no scheduling policy: first in, first out
   */
  readonly schedulingPolicy?: batch.ISchedulingPolicy;

  /**
   * An existing job queue. Then no VPC, security group, compute environment or queue is created,
   * and `platform` is required.
   *
   * @default - a job queue is created
   */
  readonly jobQueue?: batch.IJobQueue;

  /**
   * Existing compute environments, in fallback order (at most 3). Then only the job queue is
   * created over them, and `platform` is required.
   *
   * @default - compute environments are created from `capacity`
   */
  readonly computeEnvironments?: batch.IComputeEnvironment[];

  /**
   * How long the shared job log group keeps log events. The group itself is kept when the stack is deleted.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly jobLogRetention?: logs.RetentionDays;
}

/**
 * Where AWS Batch jobs run: a VPC, compute environments and a job queue, plus the log group and
 * execution role that the jobs of the environment share.
 *
 * @see https://docs.aws.amazon.com/batch/latest/userguide/job_queues.html
 */
export class BatchEnvironment extends Construct {
  /**
   * The VPC of the compute environments this environment created, given or created.
   *
   * @default - none when `jobQueue` or `computeEnvironments` is given
   */
  public readonly vpc?: ec2.IVpc;

  /** The job queue jobs are submitted to. */
  public readonly jobQueue: batch.IJobQueue;

  /** The compute environments of the job queue, in order; empty when `jobQueue` was given. */
  public readonly computeEnvironments: batch.IComputeEnvironment[];

  /** The security groups of the created compute environments; empty when none were created. */
  public readonly securityGroups: ec2.ISecurityGroup[];

  /** The platform of the jobs of this environment. */
  public readonly platform: Platform;

  /** Whether Fargate jobs of this environment get a public IP address. */
  public readonly assignPublicIp: boolean;

  /** The log group the jobs of this environment write to, unless a job has its own. */
  public readonly jobLogGroup: logs.ILogGroup;

  /**
   * The execution role the jobs of this environment share: ECS uses it to pull images and write logs.
   * It starts with no permissions; each job grants it what its container needs.
   */
  public readonly jobExecutionRole: iam.IRole;

  /**
   * The prefix of the names of the job definitions of this environment's jobs, unique to this
   * environment in the account and region: permissions can be scoped to `job-definition/PREFIX*`.
   */
  public readonly jobDefinitionNamePrefix: string;

  private readonly jobDefinitionNames = new Map<string, string>();

  /**
   * @param scope the scope of the environment
   * @param id the id of the environment, unique in its scope
   * @param props the properties of the environment
   */
  constructor(scope: Construct, id: string, props: BatchEnvironmentProps = {}) {
    super(scope, id);
    const capacity = validateEnvironmentProps(props);
    this.platform = props.platform ?? capacity[0]?.platform ?? Platform.FARGATE;
    this.assignPublicIp = props.assignPublicIp ?? false;
    this.jobDefinitionNamePrefix = jobDefinitionNamePrefix(this);

    this.jobLogGroup = new logs.LogGroup(this, 'JobLogGroup', {
      retention: props.jobLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.jobExecutionRole = new iam.Role(this, 'JobExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Execution role shared by the AWS Batch jobs of this environment',
    });

    if (props.jobQueue) {
      this.jobQueue = props.jobQueue;
      this.computeEnvironments = [];
      this.securityGroups = [];
      return;
    }

    if (props.computeEnvironments) {
      this.computeEnvironments = props.computeEnvironments;
      this.securityGroups = [];
    } else {
      const vpc = props.vpc ?? this.createVpc(props.natGateways ?? 1);
      this.vpc = vpc;
      this.securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc,
        allowAllOutbound: true,
        description: 'AWS Batch compute environments: no ingress, all egress',
      })];
      const context = {
        vpc,
        vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: this.securityGroups,
      };
      const used = new Map<string, number>();
      this.computeEnvironments = capacity.map((c) => {
        const n = (used.get(c._name) ?? 0) + 1;
        used.set(c._name, n);
        return c._bind(this, n === 1 ? c._name : `${c._name}${n}`, context);
      });
      this.warnIfFargateCannotReachOut(vpc.selectSubnets(context.vpcSubnets));
    }

    this.jobQueue = new batch.JobQueue(this, 'JobQueue', {
      computeEnvironments: this.computeEnvironments.map((computeEnvironment, i) => ({ computeEnvironment, order: i + 1 })),
      priority: props.priority ?? 1,
      schedulingPolicy: props.schedulingPolicy,
      jobStateTimeLimitActions: (props.cancelStuckJobs ?? true)
        ? STUCK_REASONS.map((reason) => ({
          reason,
          maxTime: props.cancelStuckJobsAfter ?? Duration.hours(1),
          state: batch.JobStateTimeLimitActionsState.RUNNABLE,
          action: batch.JobStateTimeLimitActionsAction.CANCEL,
        }))
        : undefined,
    });
  }

  /**
   * A Fargate task in a public subnet reaches the internet only with a public IP of its own; without
   * one it cannot pull a public image, nor an ECR image or write its logs unless the VPC has
   * endpoints for them. A warning, since the VPC may have those endpoints.
   */
  private warnIfFargateCannotReachOut(subnets: ec2.SelectedSubnets): void {
    if (this.platform !== Platform.FARGATE || this.assignPublicIp || !subnets.hasPublic) { return; }
    Annotations.of(this).addWarningV2('cdk-batch-stepfunctions:fargatePublicSubnetWithoutPublicIp',
      '`vpcSubnets` selects public subnets for Fargate jobs, and `assignPublicIp` is false. A Fargate task in a '
      + 'public subnet reaches the internet only through a public IP of its own, so jobs cannot pull their image or '
      + 'write their logs unless the VPC has endpoints for ECR, S3 and CloudWatch Logs. Set `assignPublicIp` to true, '
      + 'or select private subnets that have a NAT gateway.');
  }

  /**
   * Records the name of a job's definition; two jobs of one environment may not share one, or
   * each would become a revision of the other's definition.
   *
   * @internal
   */
  public _claimJobDefinitionName(name: string, job: Construct): void {
    const other = this.jobDefinitionNames.get(name);
    if (other !== undefined) {
      throw new BatchValidationError(`\`jobDefinitionName\` must be unique among the jobs of ${this.node.path}, got "${name}" `
        + `for ${job.node.path}, already the name of ${other}'s job definition: give the job another id or jobDefinitionName`);
    }
    this.jobDefinitionNames.set(name, job.node.path);
  }

  private createVpc(natGateways: number): ec2.IVpc {
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_MONTH });
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: {
        FlowLog: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup) },
      },
    });
  }
}

/** Why a job can stay in RUNNABLE forever: no compute environment can ever run it. */
const STUCK_REASONS = [
  batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
  batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
  batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
];
