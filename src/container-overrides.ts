import { Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Overrides of the job definition's container for one submitted job.
 *
 * Each value may be static or taken from the state input: `sfn.JsonPath.stringAt('$.x')`,
 * `sfn.JsonPath.numberAt('$.x')`, `sfn.JsonPath.listAt('$.x')`, or a JSONata expression
 * (`'{% $states.input.x %}'`, `Token.asNumber('{% ... %}')`) in a JSONata state.
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerOverrides.html
 */
export interface ContainerOverrides {
  /**
   * The command to run, replacing the job definition's command.
   *
   * @default - the job definition's command
   */
  readonly command?: string[];

  /**
   * Environment variables to add or override. Names may not start with `AWS_BATCH`, which
   * Batch reserves.
   *
   * @default - the job definition's environment
   */
  readonly environment?: { [name: string]: string };

  /**
   * The number of vCPUs to reserve for the container. Must be positive: on EC2 a whole number of at
   * least 1, on Fargate one of 0.25, 0.5, 1, 2, 4, 8 or 16 (checked at synth when the job definition
   * is an ECS job definition of this app, whose platform is known).
   *
   * @default - the job definition's vCPUs
   */
  readonly vcpus?: number;

  /**
   * The memory hard limit for the container. Must be positive; Batch counts it in whole MiB.
   *
   * @default - the job definition's memory
   */
  readonly memory?: Size;

  /**
   * The number of GPUs to reserve for the container: an integer of at least 1; EC2 compute only.
   *
   * @default - the job definition's GPUs
   */
  readonly gpuCount?: number;

  /**
   * The instance type to use for a multi-node parallel job.
   *
   * @default - the job definition's instance type
   */
  readonly instanceType?: ec2.InstanceType;
}

/**
 * How a job depends on another job.
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDependency.html
 */
export enum JobDependencyType {
  /** Each child of this array job depends on the child of the other array job with the same index. */
  N_TO_N = 'N_TO_N',
  /**
   * Each child of this array job depends on the previous child of this array job, when the
   * dependency names no job.
   */
  SEQUENTIAL = 'SEQUENTIAL',
}

/**
 * A job that must finish before the submitted job starts.
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDependency.html
 */
export interface JobDependency {
  /**
   * The ID of the job to depend on, usually from a previous state's output
   * (`sfn.JsonPath.stringAt('$.previous.JobId')`).
   *
   * @default - none, for a SEQUENTIAL dependency of an array job on itself: each child waits for
   * the one before it, from index 0. Required for any other dependency.
   */
  readonly jobId?: string;

  /**
   * The dependency type, for array jobs.
   *
   * @default - a standard dependency: the job waits for the whole other job
   */
  readonly type?: JobDependencyType;
}

/**
 * A condition on how a job attempt ended, and whether to retry it. Conditions are glob patterns
 * of at most 512 characters that may end with `*`; all given conditions must match.
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_EvaluateOnExit.html
 */
export interface EvaluateOnExit {
  /** Whether to retry the job or let it fail when the conditions match. */
  readonly action: batch.Action;

  /**
   * A pattern on the exit code, such as `137` or `1*`: digits, optionally ending in `*`.
   *
   * @default - any exit code
   */
  readonly onExitCode?: string;

  /**
   * A pattern on the reason the container stopped, such as `CannotPullContainerError*`.
   *
   * @default - any reason
   */
  readonly onReason?: string;

  /**
   * A pattern on the job's status reason, such as `Host EC2*` (Spot instance reclaimed).
   *
   * @default - any status reason
   */
  readonly onStatusReason?: string;
}
