import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { JobDefinitionTarget, JobQueueTarget } from '../job-reference';

/** What decides the permissions of one SubmitJob task. */
export interface SubmitJobPolicyInput {
  readonly jobQueue: JobQueueTarget;
  readonly jobDefinition: JobDefinitionTarget;
  /** The task waits for the job (`.sync`). */
  readonly sync: boolean;
  /** The job is tagged, or propagates tags. */
  readonly tagging: boolean;
}

/**
 * The least the state machine role needs to run one SubmitJob task.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/batch-iam.html
 */
export function submitJobPolicies(scope: IConstruct, input: SubmitJobPolicyInput): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const jobs = stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' });

  // SubmitJob is authorized against the queue, the definition and the new job; every resource
  // of the request must match, so listing all three widens nothing.
  const statements = [new iam.PolicyStatement({
    actions: ['batch:SubmitJob'],
    resources: [...input.jobQueue._resourceArns(scope), ...input.jobDefinition._resourceArns(scope), jobs],
  })];

  if (input.tagging) {
    statements.push(new iam.PolicyStatement({ actions: ['batch:TagResource'], resources: [jobs] }));
  }

  if (input.sync) {
    statements.push(
      // DescribeJobs supports no resource-level permissions: '*' is the only resource it accepts.
      new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }),
      // Stopping the execution terminates the job.
      new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [jobs] }),
      // Step Functions learns that the job ended through this managed EventBridge rule.
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForBatchJobsRule' })],
      }),
    );
  }
  return statements;
}

/** The statements given out per stack, by their JSON (deploy-time values as their tokens). */
const sharedStatements = new WeakMap<Stack, Map<string, iam.PolicyStatement>>();

/**
 * The same statements, as instances shared by every task of the stack that needs the same
 * permission: a state graph then registers each permission once (see SubmitJob.taskPolicies),
 * where aws-cdk-lib would add one copy per task to the role's policy and remove the copies only
 * when it renders the policy.
 */
export function shareStatements(scope: IConstruct, statements: iam.PolicyStatement[]): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const byJson = sharedStatements.get(stack) ?? new Map<string, iam.PolicyStatement>();
  sharedStatements.set(stack, byJson);
  return statements.map((statement) => {
    const key = JSON.stringify(statement.toStatementJson());
    const shared = byJson.get(key) ?? statement;
    byJson.set(key, shared);
    return shared;
  });
}
