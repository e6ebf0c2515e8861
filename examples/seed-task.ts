/**
 * The Task state of the Step Functions developer guide's Batch page ("Manage AWS Batch with
 * Step Functions"), built with SubmitJob: it submits a job to the `SecondaryQueue` job queue with
 * the `preprocessing` job definition, parameters from the state input and 4 vCPUs, and waits for it.
 */
import { App, CfnResource, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobDefinitionTarget, JobQueueTarget, SubmitJob } from '../src';
import { acknowledgeSubmitJobWildcards } from './support/nag';

export class SeedTaskStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const task = new SubmitJob(this, 'BATCH_JOB', {
      jobQueueTarget: JobQueueTarget.fromName('SecondaryQueue'),
      jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
      jobName: 'PreprocessingBatchJob',
      parameters: sfn.TaskInput.fromJsonPathAt('$.batchjob.parameters'),
      containerOverrides: { vcpus: 4 },
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(task),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
      },
    });

    // aws-cdk-lib makes the state machine depend on its role, which its RoleArn already does;
    // cfn-lint reports that DependsOn as obsolete (W3005). Harmless, and acknowledged here only.
    (this.stateMachine.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'batch:DescribeJobs (to wait for the job) supports no resource-level permissions; nor do the X-Ray and '
        + 'CloudWatch Logs delivery actions that state machine tracing and logging need.',
    });
    acknowledgeSubmitJobWildcards(this.stateMachine.role, ['preprocessing:*']);
  }
}

/** The example app. Environment-agnostic, and its templates carry no local paths. */
export function seedTaskApp(): App {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  new SeedTaskStack(app, 'SeedTaskExample');
  return app;
}
