/**
 * A three-step pipeline on Fargate Spot, falling back to on-demand Fargate: preprocess the
 * input, train one model per shard as an array job, then aggregate the shards' results.
 */
import { App, DefaultStackSynthesizer, Stack, StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { BatchEnvironment, BatchJob, BatchWorkflow, Capacity, SubmitJob } from '../src';
import { acknowledgeSubmitJobWildcards } from './support/nag';

export class PipelineStack extends Stack {
  public readonly workflow: BatchWorkflow;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Spot first, on-demand when Spot has no capacity.
    const environment = new BatchEnvironment(this, 'Environment', {
      capacity: [Capacity.fargateSpot(), Capacity.fargate()],
    });
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
    const preprocess = new BatchJob(this, 'Preprocess', {
      environment, image, command: ['python', '-c', 'print("preprocess")'],
    });
    const train = new BatchJob(this, 'Train', {
      environment, image, command: ['python', '-c', 'import os; print("train shard", os.environ["AWS_BATCH_JOB_ARRAY_INDEX"])'],
    });
    const aggregate = new BatchJob(this, 'Aggregate', {
      environment, image, command: ['python', '-c', 'print("aggregate")'],
    });

    const definition = new SubmitJob(this, 'PreprocessStep', {
      jobQueue: environment.jobQueue,
      jobDefinition: preprocess.jobDefinition,
      jobName: 'preprocess',
      resultPath: '$.preprocess',
    })
      .next(new SubmitJob(this, 'TrainShards', {
        jobQueue: environment.jobQueue,
        jobDefinition: train.jobDefinition,
        jobName: 'train',
        arraySize: 3,
        resultPath: '$.train',
      }))
      .next(new SubmitJob(this, 'AggregateStep', {
        jobQueue: environment.jobQueue,
        jobDefinition: aggregate.jobDefinition,
        jobName: 'aggregate',
        resultPath: '$.aggregate',
      }));

    this.workflow = new BatchWorkflow(this, 'Workflow', {
      definition,
      jobLogGroup: environment.jobLogGroup,
      createNotificationTopic: true,
    });
    acknowledgeSubmitJobWildcards(this.workflow.stateMachine.role, [`${environment.jobDefinitionNamePrefix}*`]);
  }
}

/** The example app: environment-agnostic, and its templates carry no local paths. */
export function pipelineApp(): App {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  new PipelineStack(app, 'PipelineExample', {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  return app;
}

