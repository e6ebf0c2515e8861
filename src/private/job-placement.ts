import { SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import { wholeMebibytes } from './checks';
import { BatchValidationError, fmt, invalid } from './errors';
import { checkCpu, checkFargateMemory, describeMemory, fargateMemoryValues } from './job-validation';
import { Platform } from '../capacity';
import type { ContainerOverrides } from '../container-overrides';

/**
 * Checks, at synth, that Batch can place a job of `jobDefinition` in `jobQueue`, as far as
 * constructs of this app tell (imported queues and definitions are not checked):
 * - the queue's compute environments run the definition's platform;
 * - a fair-share queue gets a share identifier, and other queues none.
 * Returns the first problem found, or undefined.
 */
export function placementProblem(
  jobQueue: batch.IJobQueue | undefined,
  jobDefinition: batch.IJobDefinition | undefined,
  shareIdentifier: string | undefined,
): string | undefined {
  if (!(jobQueue instanceof batch.JobQueue)) { return undefined; }
  if (jobQueue.schedulingPolicy !== undefined && shareIdentifier === undefined) {
    return '`shareIdentifier` is required when the job queue has a fair-share scheduling policy, got nothing: '
      + 'Batch rejects such a job at submit. Give the share identifier the job is scheduled under';
  }
  if (jobQueue.schedulingPolicy === undefined && shareIdentifier !== undefined) {
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
 * Checks, at synth, that a job reserving GPUs goes to a queue that can launch GPU instances, as far as
 * constructs of this app tell: an EC2 compute environment given no instance types or classes launches
 * Batch's default (or optimal) instance classes, none of which has a GPU. Environments with instance
 * types or classes of their own are not judged. Returns the problem, or undefined.
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
  const environments = jobQueue.computeEnvironments.map((order) => order.computeEnvironment);
  const withoutGpus = (environment: unknown) => environment instanceof batch.ManagedEc2EcsComputeEnvironment
    && environment.instanceTypes.length === 0 && environment.instanceClasses.length === 0;
  if (environments.length === 0 || !environments.every(withoutGpus)) { return undefined; }
  const asked = overrides?.gpuCount !== undefined ? '`containerOverrides.gpuCount` asks for' : '`jobDefinition` reserves';
  return `${asked} ${fmt(gpus)} GPU${gpus === 1 ? '' : 's'}, but the job queue's compute environments launch only Batch's `
    + 'default instance classes, which have no GPUs: Batch cannot place the job, and it waits in RUNNABLE. '
    + 'Create the capacity with `gpu` true, or give it GPU instance types or classes';
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
    if (computeEnvironment instanceof batch.FargateComputeEnvironment) {
      platforms.add(Platform.FARGATE);
    } else if (computeEnvironment instanceof batch.ManagedEc2EcsComputeEnvironment) {
      platforms.add(Platform.EC2);
    } else {
      return undefined; // imported, unmanaged or EKS: not known here
    }
  }
  return platforms.size > 0 ? platforms : undefined;
}

function definitionPlatform(jobDefinition: batch.IJobDefinition): Platform | undefined {
  if (!(jobDefinition instanceof batch.EcsJobDefinition)) { return undefined; }
  if (jobDefinition.container instanceof batch.EcsFargateContainerDefinition) { return Platform.FARGATE; }
  if (jobDefinition.container instanceof batch.EcsEc2ContainerDefinition) { return Platform.EC2; }
  return undefined;
}
