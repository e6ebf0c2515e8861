import * as batch from 'aws-cdk-lib/aws-batch';

/**
 * Job definitions whose permission is granted by a name pattern wider than their own name: the
 * jobs of one `BatchEnvironment` share the environment's name prefix, so every task that runs
 * one of them needs the same single resource `job-definition/PREFIX*`, and the state machine
 * role's policy does not grow with the number of jobs.
 */
const patterns = new WeakMap<batch.IJobDefinition, string>();

/** Grants SubmitJob on the definitions matching `namePattern` instead of this definition's name. */
export function grantByNamePattern(jobDefinition: batch.IJobDefinition, namePattern: string): void {
  patterns.set(jobDefinition, namePattern);
}

/** The name pattern to grant for a job definition, if one was registered. */
export function namePatternOf(jobDefinition: batch.IJobDefinition): string | undefined {
  return patterns.get(jobDefinition);
}

/** Whether a job queue or job definition construct declares its resource in this app (not imported). */
export function ownResource(construct: batch.IJobQueue | batch.IJobDefinition | undefined): boolean {
  const resource = construct?.node.defaultChild;
  return resource instanceof batch.CfnJobQueue || resource instanceof batch.CfnJobDefinition;
}
