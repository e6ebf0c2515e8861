/**
 * One job, run from a workflow: the seed's shape on infrastructure of its own. A Fargate
 * environment in private subnets, a preprocessing job, and a workflow that submits it with the
 * execution input's `batchjob.parameters` and 4 vCPUs, waits for it, and publishes a summary
 * to an encrypted topic if it fails.
 */
import { App, DefaultStackSynthesizer, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchEnvironment, BatchJob, BatchWorkflow } from '../src';
import { acknowledgeSubmitJobWildcards } from './support/nag';

export class SingleJobStack extends Stack {
  public readonly workflow: BatchWorkflow;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const environment = new BatchEnvironment(this, 'Environment');
    const job = new BatchJob(this, 'Preprocessing', {
      environment,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'),
      command: ['python', '-c', 'import sys; print("preprocessing", sys.argv[1:])', 'Ref::input'],
      parameters: { input: 's3://example-bucket/raw/' },
    });

    this.workflow = new BatchWorkflow(this, 'Workflow', {
      job,
      jobName: 'PreprocessingBatchJob',
      jobParameters: sfn.TaskInput.fromJsonPathAt('$.batchjob.parameters'),
      containerOverrides: { vcpus: 4, memory: Size.gibibytes(8) },
      createNotificationTopic: true,
    });
    acknowledgeSubmitJobWildcards(this.workflow.stateMachine.role, [`${environment.jobDefinitionNamePrefix}*`]);
  }
}

/** The example app: environment-agnostic, and its templates carry no local paths. */
export function singleJobApp(): App {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  new SingleJobStack(app, 'SingleJobExample', {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  return app;
}
