import { Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** How cdk-nag writes an ARN of this stack's account and region in a finding. */
const BATCH_ARN = 'arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>';

/**
 * Acknowledges, on a state machine role, the cdk-nag `AwsSolutions-IAM5` findings that SubmitJob
 * tasks cause, each by its exact finding and with its reason. (`BatchWorkflow` acknowledges the
 * `Resource::*` one itself.)
 */
export function acknowledgeSubmitJobWildcards(role: iam.IRole, jobDefinitionNames: string[]): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${BATCH_ARN}:job/*]`,
    reason: 'A job ARN holds the job ID, which Batch assigns when the job is submitted: batch:SubmitJob and '
      + 'batch:TerminateJob are scoped to the jobs of this account and region.',
  });
  for (const name of jobDefinitionNames) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${BATCH_ARN}:job-definition/${name}:*]`,
      reason: `Every revision of the one job definition ${name}, so that a new revision keeps working while a deploy rolls out.`,
    });
  }
}
