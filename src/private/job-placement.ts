import { SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import { wholeMebibytes } from './checks';
import { BatchValidationError, fmt, invalid } from './errors';
import { checkCpu, checkFargateMemory, describeMemory, fargateMemoryValues } from './job-validation';
import { ownResource } from './permission-scope';
import { Platform } from '../capacity';
import type { ContainerOverrides } from '../container-overrides';

/**
 * Whether a job queue of this app has a fair-share scheduling policy. Read from its CloudFormation
 * resource: aws-cdk-lib's `JobQueue.schedulingPolicy` throws for a policy given as a
 * `CfnSchedulingPolicy`.
 */
export function hasFairShare(jobQueue: batch.IJobQueue): boolean {
  const resource = jobQueue.node.defaultChild;
  return resource instanceof batch.CfnJobQueue && resource.schedulingPolicyArn !== undefined;
}

/**
 * Checks, at synth, that Batch can place a job of `jobDefinition` in `jobQueue`, as far as
 * constructs of this app tell (imported queues and definitions are not checked):
 * - the queue's compute environments run the definition's platform;
 * - a fair-share queue gets a share identifier and a scheduling priority, and other queues no share
 *   identifier.
 * Returns the first problem found, or undefined.
 */
export function placementProblem(
  jobQueue: batch.IJobQueue | undefined,
  jobDefinition: batch.IJobDefinition | undefined,
  shareIdentifier: string | undefined,
  schedulingPriorityOverride?: number,
): string | undefined {
  if (!(jobQueue instanceof batch.JobQueue)) { return undefined; }
  const fairShare = hasFairShare(jobQueue);
  if (fairShare && shareIdentifier === undefined) {
    return '`shareIdentifier` is required when the job queue has a fair-share scheduling policy, got nothing: '
      + 'Batch rejects such a job at submit. Give the share identifier the job is scheduled under';
  }
  if (fairShare && schedulingPriorityOverride === undefined
    && ownResource(jobDefinition) && jobDefinition!.schedulingPriority === undefined) {
    return '`schedulingPriorityOverride` is required when the job queue has a fair-share scheduling policy and the job definition '
      + 'has no `schedulingPriority`, got nothing: Batch rejects such a job at submit. Give the job definition a '
      + '`schedulingPriority` (a BatchJob in a fair-share environment gets 0), or the task a `schedulingPriorityOverride`';
  }
  if (!fairShare && shareIdentifier !== undefined) {
    return '`shareIdentifier` is only valid when the job queue has a fair-share scheduling policy, '
      + `got ${JSON.stringify(shareIdentifier)} for a job queue without one: Batch rejects such a job at submit`;
  }
  const queueRuns = queuePlatforms(jobQueue);
  const definitionRuns = jobDefinition !== undefined ? definitionPlatform(jobDefinition) : undefined;
  if (queueRuns !== undefined && definitionRuns !== undefined && !queueRuns.has(definitionRuns)) {
    return `\`jobDefinition\` must run on the platform of the job queue's compute environments (${[...queueRuns].join(', ')}), `
      + `got a job definition for ${definitionRuns}: Batch cannot place its jobs in that queue. `
      + 'Give the job the platform of its queue, or submit it to a queue of its platform';
  }
  return undefined;
}

/**
 * Checks, at synth, that a job reserving GPUs goes to a queue that can launch GPU instances with GPU
 * drivers, as far as constructs of this app tell. An EC2 compute environment cannot when it is given
 * no instance types or classes (it launches Batch's default or optimal classes, none of which has a
 * GPU), or when its AMIs are all of the non-GPU image types: Batch boots the image type that
 * `ec2Configuration` names on every instance, a G5 too, and the ECS agent then finds no GPU to
 * offer. Environments with an AMI of their own or an NVIDIA image type are not judged. Returns the
 * problem, or undefined.
 */
export function gpuProblem(
  jobQueue: batch.IJobQueue | undefined,
  jobDefinition: batch.IJobDefinition | undefined,
  overrides: ContainerOverrides | undefined,
): string | undefined {
  if (!(jobQueue instanceof batch.JobQueue) || !(jobDefinition instanceof batch.EcsJobDefinition)
    || !(jobDefinition.container instanceof batch.EcsEc2ContainerDefinition)) { return undefined; }
  const gpus = overrides?.gpuCount ?? jobDefinition.container.gpu;
  if (gpus === undefined || Token.isUnresolved(gpus) || gpus < 1) { return undefined; }
  const reasons = jobQueue.computeEnvironments.map((order) => whyNoGpu(order.computeEnvironment));
  if (reasons.length === 0 || reasons.some((reason) => reason === undefined)) { return undefined; }
  const asked = `${askedBy(overrides?.gpuCount, 'gpuCount')} ${fmt(gpus)} GPU${gpus === 1 ? '' : 's'}`;
  const imageTypes = [...new Set(reasons.flatMap((reason) => reason!.imageTypes))];
  if (imageTypes.length === 0) {
    return `${asked}, but the job queue's compute environments launch only Batch's `
      + 'default instance classes, which have no GPUs: Batch cannot place the job, and it waits in RUNNABLE. '
      + 'Create the capacity with `gpu` true, or give it GPU instance types or classes';
  }
  const orDefaultClasses = reasons.some((reason) => reason!.defaultClasses) ? ' or launch only Batch\'s default instance classes' : '';
  return `${asked}, but the job queue's compute environments boot an AMI without GPU drivers (image type ${imageTypes.join(', ')})`
    + `${orDefaultClasses}: the instances offer no GPU to the job, which waits in RUNNABLE. Create the capacity with \`gpu\` true, `
    + 'which boots the ECS-optimized Amazon Linux 2023 NVIDIA AMI (for a compute environment of your own, the image type '
    + 'ECS_AL2023_NVIDIA)';
}

/** The image types without GPU drivers that Batch boots for every instance of an environment. */
const NON_GPU_IMAGE_TYPES: string[] = [batch.EcsMachineImageType.ECS_AL2023, batch.EcsMachineImageType.ECS_AL2];

/**
 * Why an environment offers no GPU, or undefined when it may (or is not known here): it launches
 * only Batch's default classes, or every AMI it names is of a non-GPU image type (`imageTypes`).
 */
function whyNoGpu(environment: unknown): { defaultClasses: boolean; imageTypes: string[] } | undefined {
  if (!(environment instanceof batch.ManagedEc2EcsComputeEnvironment)) { return undefined; }
  if (environment.instanceTypes.length === 0 && environment.instanceClasses.length === 0) {
    return { defaultClasses: true, imageTypes: [] };
  }
  const images = environment.images ?? [];
  const nonGpu = images.filter((image) => image.image === undefined && NON_GPU_IMAGE_TYPES.includes(image.imageType ?? ''));
  return images.length > 0 && nonGpu.length === images.length
    ? { defaultClasses: false, imageTypes: nonGpu.map((image) => image.imageType!) }
    : undefined;
}

/** How a problem names what asked for a resource: the container override, or else the job definition. */
function askedBy(override: number | undefined, property: string): string {
  return override !== undefined ? `\`containerOverrides.${property}\` asks for` : '`jobDefinition` reserves';
}

/**
 * Checks, at synth, that the queue can ever give the job its vCPUs, as far as constructs of this app
 * tell: Batch never places a job that asks for more vCPUs than the largest `maxvCpus` of the queue's
 * managed compute environments; it waits in RUNNABLE until cancelled. Returns the problem, or undefined.
 */
export function vcpuProblem(
  jobQueue: batch.IJobQueue | undefined,
  jobDefinition: batch.IJobDefinition | undefined,
  overrides: ContainerOverrides | undefined,
): string | undefined {
  if (!(jobQueue instanceof batch.JobQueue) || !(jobDefinition instanceof batch.EcsJobDefinition)) { return undefined; }
  const environments = jobQueue.computeEnvironments.map((order) => order.computeEnvironment);
  const limits = environments.map((environment) =>
    (environment instanceof batch.FargateComputeEnvironment || environment instanceof batch.ManagedEc2EcsComputeEnvironment
      ? environment.maxvCpus : undefined));
  if (limits.length === 0 || limits.some((limit) => limit === undefined || Token.isUnresolved(limit))) { return undefined; }
  const vcpus = overrides?.vcpus ?? jobDefinition.container.cpu;
  const most = Math.max(...limits as number[]);
  if (Token.isUnresolved(vcpus) || vcpus <= most) { return undefined; }
  return `${askedBy(overrides?.vcpus, 'vcpus')} ${fmt(vcpus)} vCPUs, but the job queue's compute environments have at most ${fmt(most)} (\`maxvCpus\`): `
    + 'Batch cannot place the job, and it waits in RUNNABLE. Raise the capacity\'s `maxvCpus`, or give the job fewer vCPUs';
}

/**
 * Checks, at synth, the container overrides against the job definition, when it is a job
 * definition of this app: none for EKS; for ECS, no instance type (multi-node parallel jobs only); on EC2 whole vCPUs;
 * on Fargate no GPU, and vCPUs and memory that Fargate allows together. Returns the first problem found, or undefined.
 */
export function overridesProblem(jobDefinition: batch.IJobDefinition | undefined, overrides: ContainerOverrides | undefined): string | undefined {
  if (overrides !== undefined && jobDefinition instanceof batch.EksJobDefinition) {
    return '`containerOverrides` is not valid for a job definition that runs on Amazon EKS, got overrides for one: '
      + 'Batch rejects container overrides of EKS jobs at submit';
  }
  if (overrides === undefined || !(jobDefinition instanceof batch.EcsJobDefinition)) { return undefined; }
  try {
    checkOverrides(jobDefinition, overrides);
    return undefined;
  } catch (e) {
    if (e instanceof BatchValidationError) { return e.message; }
    throw e;
  }
}

function checkOverrides(jobDefinition: batch.EcsJobDefinition, overrides: ContainerOverrides): void {
  if (overrides.instanceType !== undefined) {
    invalid('containerOverrides.instanceType', 'is only valid for multi-node parallel jobs', `${overrides.instanceType} for a single-container job definition`);
  }
  const platform = definitionPlatform(jobDefinition);
  if (platform === undefined) { return; }
  checkCpu('containerOverrides.vcpus', overrides.vcpus, platform);
  if (platform !== Platform.FARGATE) { return; }
  const container = jobDefinition.container;
  if (overrides.gpuCount !== undefined) {
    invalid('containerOverrides.gpuCount', 'is only valid on EC2, since Fargate has no GPUs',
      `${Token.isUnresolved(overrides.gpuCount) ? 'a value' : overrides.gpuCount} for a Fargate job definition`);
  }
  if (overrides.vcpus === undefined && overrides.memory === undefined) { return; }
  const cpu = overrides.vcpus ?? container.cpu;
  const memory = overrides.memory ?? container.memory;
  if (Token.isUnresolved(cpu) || memory.isUnresolved()) { return; }
  if (overrides.memory !== undefined) {
    checkFargateMemory('containerOverrides.memory', cpu, wholeMebibytes('containerOverrides.memory', overrides.memory));
    return;
  }
  const allowed = fargateMemoryValues(cpu);
  const mib = memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (allowed !== undefined && !allowed.includes(mib)) {
    invalid('containerOverrides.vcpus', `needs one of ${describeMemory(allowed)} MiB of memory on Fargate, and the job definition has `
      + `${fmt(mib)} MiB: override \`memory\` too`, String(cpu));
  }
}

/** The platforms of a queue's compute environments, when the constructs of this app tell. */
function queuePlatforms(jobQueue: batch.JobQueue): Set<Platform> | undefined {
  const platforms = new Set<Platform>();
  for (const { computeEnvironment } of jobQueue.computeEnvironments) {
    const platform = computeEnvironmentPlatform(computeEnvironment);
    if (platform === undefined) { return undefined; }
    platforms.add(platform);
  }
  return platforms.size > 0 ? platforms : undefined;
}

/** The platform a compute environment of this app runs; undefined for one imported, unmanaged or EKS: not known here. */
export function computeEnvironmentPlatform(computeEnvironment: object): Platform | undefined {
  if (computeEnvironment instanceof batch.FargateComputeEnvironment) { return Platform.FARGATE; }
  if (computeEnvironment instanceof batch.ManagedEc2EcsComputeEnvironment) { return Platform.EC2; }
  return undefined;
}

function definitionPlatform(jobDefinition: batch.IJobDefinition): Platform | undefined {
  if (!(jobDefinition instanceof batch.EcsJobDefinition)) { return undefined; }
  if (jobDefinition.container instanceof batch.EcsFargateContainerDefinition) { return Platform.FARGATE; }
  if (jobDefinition.container instanceof batch.EcsEc2ContainerDefinition) { return Platform.EC2; }
  return undefined;
}
