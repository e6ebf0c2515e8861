import * as batch from 'aws-cdk-lib/aws-batch';

/** Where a job definition or a job queue runs jobs, when the constructs of this app tell. */
type Runs = 'FARGATE' | 'EC2';

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

function queuePlatforms(jobQueue: batch.JobQueue): Set<Runs> | undefined {
  const platforms = new Set<Runs>();
  for (const { computeEnvironment } of jobQueue.computeEnvironments) {
    if (computeEnvironment instanceof batch.FargateComputeEnvironment) {
      platforms.add('FARGATE');
    } else if (computeEnvironment instanceof batch.ManagedEc2EcsComputeEnvironment) {
      platforms.add('EC2');
    } else {
      return undefined; // imported, unmanaged or EKS: not known here
    }
  }
  return platforms.size > 0 ? platforms : undefined;
}

function definitionPlatform(jobDefinition: batch.IJobDefinition): Runs | undefined {
  if (!(jobDefinition instanceof batch.EcsJobDefinition)) { return undefined; }
  if (jobDefinition.container instanceof batch.EcsFargateContainerDefinition) { return 'FARGATE'; }
  if (jobDefinition.container instanceof batch.EcsEc2ContainerDefinition) { return 'EC2'; }
  return undefined;
}
