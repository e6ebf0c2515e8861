/**
 * Every AWS limit the library checks, written once. Validation, guards and docs use these.
 */

// AWS Batch SubmitJob request limits.
// https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
export const JOB_NAME_MAX_LENGTH = 128;
/** Job names start with a letter or number; then letters, numbers, hyphens and underscores. */
export const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_ArrayProperties.html
export const ARRAY_SIZE_MIN = 2;
export const ARRAY_SIZE_MAX = 10_000;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-dependsOn
export const DEPENDS_ON_MAX = 20;
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-overrides
export const CONTAINER_OVERRIDES_MAX_LENGTH = 8_192;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html
export const ATTEMPTS_MIN = 1;
export const ATTEMPTS_MAX = 10;
export const EVALUATE_ON_EXIT_MAX = 5;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_EvaluateOnExit.html
export const EVALUATE_ON_EXIT_PATTERN_MAX_LENGTH = 512;
/** `onReason` and `onStatusReason`: letters, digits, `.`, `:` and white space, optionally ending with `*`. */
export const EVALUATE_ON_EXIT_REASON_PATTERN = /^[A-Za-z0-9.:\s]*\*?$/;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_JobTimeout.html
export const ATTEMPT_TIMEOUT_MIN_SECONDS = 60;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_KeyValuePair.html (reserved by Batch)
export const RESERVED_ENV_PREFIX = 'AWS_BATCH';
// https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-tags
export const TAGS_MAX = 50;
export const TAG_KEY_MAX_LENGTH = 128;
export const TAG_VALUE_MAX_LENGTH = 256;
export const TAG_RESERVED_PREFIX = 'aws:';
// https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-shareIdentifier
export const SHARE_IDENTIFIER_MAX_LENGTH = 255;
export const SHARE_IDENTIFIER_PATTERN = /^[A-Za-z0-9]{1,255}\*?$/;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-schedulingPriorityOverride
export const SCHEDULING_PRIORITY_MIN = 0;
export const SCHEDULING_PRIORITY_MAX = 9999;

// ---------------------------------------------------------------------------------------------
// BatchEnvironment, Capacity and BatchJob (L3 constructs).
// ---------------------------------------------------------------------------------------------
// https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateJobQueue.html
export const JOB_QUEUE_PRIORITY_MIN = 0;
export const JOB_QUEUE_PRIORITY_MAX = 1000;
/** A job queue takes up to 3 compute environments, all Fargate or all EC2. */
export const COMPUTE_ENVIRONMENTS_PER_QUEUE_MAX = 3;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_JobStateTimeLimitAction.html
export const JOB_STATE_TIME_LIMIT_MIN_SECONDS = 600;
export const JOB_STATE_TIME_LIMIT_MAX_SECONDS = 86_400;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html (bidPercentage). A
// maximum of 0% of the On-Demand price, which Batch takes, would never launch an instance.
export const SPOT_BID_PERCENTAGE_MIN = 1;
export const SPOT_BID_PERCENTAGE_MAX = 100;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_RegisterJobDefinition.html (jobDefinitionName)
export const JOB_DEFINITION_NAME_MAX_LENGTH = 128;
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html: a log
// stream name has at most 512 characters; Batch names a job's `PREFIX/default/TASK-ID` (a 32-character ID).
export const LOG_STREAM_PREFIX_MAX_LENGTH = 512 - '/default/'.length - 32;
/** Job definition names: letters, numbers, hyphens and underscores. */
export const JOB_DEFINITION_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** A job definition name, optionally with `:REVISION`, as SubmitJob takes it. */
export const JOB_DEFINITION_NAME_AND_REVISION_PATTERN = /^[A-Za-z0-9_-]{1,128}(:[1-9][0-9]*)?$/;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateJobQueue.html#Batch-CreateJobQueue-request-jobQueueName
export const JOB_QUEUE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
// https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html (VCPU on Fargate)
export const FARGATE_VCPU_VALUES = [0.25, 0.5, 1, 2, 4, 8, 16];
/** The memory (MiB) Fargate allows for each vCPU value (same page, MEMORY on Fargate). */
export const FARGATE_MEMORY_MIB: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1_024, 2_048]],
  [0.5, steps(1_024, 4_096, 1_024)],
  [1, steps(2_048, 8_192, 1_024)],
  [2, steps(4_096, 16_384, 1_024)],
  [4, steps(8_192, 30_720, 1_024)],
  [8, steps(16_384, 61_440, 4_096)],
  [16, steps(32_768, 122_880, 8_192)],
]);
/** Same page: a container gets at least 4 MiB (EC2). */
export const CONTAINER_MEMORY_MIN_MIB = 4;
// One NAT gateway per Availability Zone of the VPC the environment creates (2 AZs).
export const NAT_GATEWAYS_MIN = 1;
export const NAT_GATEWAYS_MAX = 2;

// Workflow guards: limits a workflow reaches as it grows.
// https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html ("Maximum size of
// state machine definition": 1 MB, hard quota)
export const STATE_MACHINE_DEFINITION_MAX_BYTES = 1_048_576;
// Same page ("Maximum execution time" of Express workflows: 5 minutes).
export const EXPRESS_EXECUTION_MAX_SECONDS = 300;
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
// ("Resources": 500 per template). aws-cdk-lib checks it too, later, at template synthesis.
export const STACK_RESOURCES_MAX = 500;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (IAM does not
// count white space): all inline policies of a role together, and one managed policy.
export const ROLE_INLINE_POLICY_MAX_CHARS = 10_240;
export const MANAGED_POLICY_MAX_CHARS = 6_144;
// Same page, "Managed policies per role": 10 by default, raised on request through Service
// Quotas (L-0DA4ABF3) to at most 20; aws-cdk-lib 2.276.0 warns above 10 and above 20.
export const ROLE_MANAGED_POLICIES_DEFAULT = 10;
export const ROLE_MANAGED_POLICIES_MAX = 20;


/** `min`, `min + step`, ... up to `max`. */
function steps(min: number, max: number, step: number): number[] {
  return Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);
}
