import { Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** How cdk-nag writes an ARN of this stack's account and region in a finding. */
const BATCH_ARN = 'arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>';

/**
 * Acknowledges, on a state machine role, the cdk-nag `AwsSolutions-IAM5` findings that SubmitJob
 * tasks cause, each by its exact finding and with its reason. (`BatchWorkflow` acknowledges the
 * `Resource::*` one itself.) `jobDefinitionResources` are what follows `job-definition/`:
 * `NAME:*` for a definition given by name, `PREFIX*` for the jobs of a BatchEnvironment.
 */
export function acknowledgeSubmitJobWildcards(role: iam.IRole, jobDefinitionResources: string[]): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${BATCH_ARN}:job/*]`,
    reason: 'A job ARN holds the job ID, which Batch assigns when the job is submitted: batch:SubmitJob and '
      + 'batch:TerminateJob are scoped to the jobs of this account and region.',
  });
  for (const resource of jobDefinitionResources) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${BATCH_ARN}:job-definition/${resource}]`,
      reason: resource.endsWith(':*')
        ? `Every revision of the one job definition ${resource.slice(0, -2)}, so that a new revision keeps working while a deploy rolls out.`
        : `The job definitions of one BatchEnvironment, named with its unique prefix ${resource.slice(0, -1)}: one permission `
          + 'for all its jobs keeps the state machine role policy from growing with each job.',
    });
  }
}
