/**
 * The pipeline example (preprocess, an array job, aggregate), and two more workflow shapes built
 * from the library (a Map fanning out one job per item; a task with Retry then Catch), deployed to
 * local-aws and run with jobs that succeed and on a server whose jobs all fail.
 */
import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  Deployment,
  describeJobs,
  describeWithLocalAws,
  E2E_TIMEOUT_MS,
  ESSENTIAL_CONTAINER_EXITED,
  failedJobSummary,
  JOB_ID,
  localAwsTemplate,
  logicalIdOf,
  sentNotifications,
  startAndDeployEach,
  stateInput,
  statesEntered,
  submittedJobIds,
} from './local-aws';
import { pipelineApp } from '../../examples/pipeline';
import { LocalAws, runExecution } from '../../local-aws/harness';
import { BatchEnvironment, BatchJob, BatchWorkflow, JobOutput, SubmitJob } from '../../src';

jest.setTimeout(E2E_TIMEOUT_MS);

const SHARDS = ['s3://example-bucket/shard-0/', 's3://example-bucket/shard-1/', 's3://example-bucket/shard-2/'];

function pipelineTemplate(): any {
  return pipelineApp().synth().stacks[0].template;
}

/** A stack of one environment, one job and a workflow of the given shape. */
function shapeTemplate(shape: 'map' | 'retry-then-catch' | 'fails-itself'): any {
  return localAwsTemplate('Shape', (stack) => {
    const environment = new BatchEnvironment(stack, 'Environment');
    const job = new BatchJob(stack, 'Shard', {
      environment,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest'),
      command: ['echo', 'Ref::shard'],
    });
    const submit = (id: string, props: { parameters?: sfn.TaskInput; output?: JobOutput } = {}) => new SubmitJob(stack, id, {
      jobQueue: environment.jobQueue,
      jobDefinition: job.jobDefinition,
      jobName: 'shard',
      ...props,
    });
    let definition: sfn.IChainable;
    if (shape === 'map') {
      // States inside a Map do not get the workflow's default output: ask for the compact one.
      definition = new sfn.Map(stack, 'EachShard', { itemsPath: '$.shards', maxConcurrency: 2 })
        .itemProcessor(submit('ProcessShard', {
          parameters: sfn.TaskInput.fromObject({ shard: sfn.JsonPath.stringAt('$') }),
          output: JobOutput.COMPACT,
        }));
    } else if (shape === 'fails-itself') {
      // A failure that is no Batch job's: a Fail state of the user's, after a job that succeeds.
      definition = submit('ProcessShard').next(new sfn.Fail(stack, 'Reject', { error: 'ShardRejected', cause: 'the shard has no rows' }));
    } else {
      definition = submit('ProcessShard')
        .addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2, interval: Duration.seconds(1), backoffRate: 1 })
        .addCatch(new sfn.Pass(stack, 'Recovered'), { errors: ['States.TaskFailed'], resultPath: '$.error' });
    }
    new BatchWorkflow(stack, 'Workflow', { definition, createNotificationTopic: true });
  });
}

/** The compact output of a single job that succeeded, as the workflow's tasks write it. */
function compactSucceeded(jobId: string, jobName: string, logStreamPrefix: string) {
  return {
    JobId: jobId,
    JobName: jobName,
    Status: 'SUCCEEDED',
    StatusReason: ESSENTIAL_CONTAINER_EXITED,
    Attempts: 1,
    LogStreamName: `${logStreamPrefix}/default/${jobId}`,
  };
}

describeWithLocalAws('pipeline example and workflow shapes on local-aws', () => {
  describe('jobs succeed', () => {
    let server: LocalAws | undefined;
    let pipeline: Deployment;
    let map: Deployment;
    let failsItself: Deployment;
    beforeAll(async () => {
      [pipeline, map, failsItself] = await startAndDeployEach([
        ['PipelineExample', pipelineTemplate()],
        ['MapShape', shapeTemplate('map')],
        ['FailsItselfShape', shapeTemplate('fails-itself')],
      ]);
      server = pipeline.server;
    });
    afterAll(async () => {
      await server?.stop();
    });

    test('the pipeline runs preprocess, the array job and aggregate, and outputs their compact summaries', async () => {
      const result = await runExecution(server!.endpoint, pipeline.stateMachineArn, {});
      expect(result.status).toEqual('SUCCEEDED');
      const [preprocessId, trainId, aggregateId] = submittedJobIds(result.events);
      for (const id of [preprocessId, trainId, aggregateId]) expect(id).toMatch(JOB_ID);
      expect(result.output).toEqual({
        preprocess: compactSucceeded(preprocessId, 'preprocess', 'Preprocess'),
        train: {
          JobId: trainId,
          JobName: 'train',
          Status: 'SUCCEEDED',
          ArraySize: 3,
          StatusSummary: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 3, FAILED: 0 },
        },
        aggregate: compactSucceeded(aggregateId, 'aggregate', 'Aggregate'),
      });
      expect(statesEntered(result.events)).toEqual(['Run', 'PreprocessStep', 'TrainShards', 'AggregateStep']);

      // The array job's children, as Batch names them: <parent id>:<index>.
      const children = await describeJobs(server!.endpoint, [0, 1, 2].map((i) => `${trainId}:${i}`));
      expect(children.map((c) => [c.status, c.container?.exitCode])).toEqual([['SUCCEEDED', 0], ['SUCCEEDED', 0], ['SUCCEEDED', 0]]);
    });

    test('a Map state fans out one job per item', async () => {
      const result = await runExecution(server!.endpoint, map.stateMachineArn, { shards: SHARDS });
      expect(result.status).toEqual('SUCCEEDED');
      const jobIds = submittedJobIds(result.events);
      expect(jobIds).toHaveLength(3);
      const output = result.output as any[];
      expect(output).toHaveLength(3);
      // Map keeps the order of the items, whatever order the jobs ran in.
      const jobs = await describeJobs(server!.endpoint, output.map((o) => o.JobId));
      expect(jobs.map((j) => j.parameters)).toEqual(SHARDS.map((shard) => ({ shard })));
      expect(output).toEqual(jobs.map((j) => compactSucceeded(j.jobId!, 'shard', 'Shard')));
      expect(new Set(jobIds)).toEqual(new Set(output.map((o) => o.JobId)));
    });

    test('a failure that is no job\'s: summarized by its error and cause, notified, and the execution fails with its error', async () => {
      const result = await runExecution(server!.endpoint, failsItself.stateMachineArn, { shards: SHARDS });
      expect(result.status).toEqual('FAILED');
      // The handler starts from the error alone: the execution input is not carried beside it.
      expect(stateInput(result.events, 'IsBatchJobFailure')).toEqual({ Error: 'ShardRejected', Cause: 'the shard has no rows' });
      const summary = { Error: 'ShardRejected', Cause: 'the shard has no rows', Execution: result.executionArn };
      expect(result.error).toEqual('ShardRejected');
      expect(JSON.parse(result.cause!)).toEqual(summary);

      const topicArn = failsItself.physicalId(logicalIdOf(failsItself.template, 'AWS::SNS::Topic'));
      const sent = await sentNotifications(server!.endpoint, topicArn);
      expect(sent.map((s) => [s.subject, JSON.parse(s.message)])).toEqual([['AWS Batch workflow failed', summary]]);
      expect(statesEntered(result.events)).toEqual([
        'Run', 'ProcessShard', 'Reject', 'IsBatchJobFailure', 'SummarizeOtherFailure', 'HasCause', 'AddCause', 'NotifyFailure', 'ExecutionFailed',
      ]);
    });
  });

  describe('jobs fail (local-aws --fail-jobs)', () => {
    let server: LocalAws | undefined;
    let pipeline: Deployment;
    let retry: Deployment;
    beforeAll(async () => {
      [pipeline, retry] = await startAndDeployEach(
        [['PipelineExample', pipelineTemplate()], ['RetryShape', shapeTemplate('retry-then-catch')]], { failJobs: true });
      server = pipeline.server;
    });
    afterAll(async () => {
      await server?.stop();
    });

    test('the first failed job stops the pipeline: summary, notification, failed execution', async () => {
      const result = await runExecution(server!.endpoint, pipeline.stateMachineArn, {});
      expect(result.status).toEqual('FAILED');
      const [preprocessId, ...others] = submittedJobIds(result.events);
      expect(preprocessId).toMatch(JOB_ID);
      expect(others).toEqual([]);

      const jobLogGroup = pipeline.physicalId(logicalIdOf(pipeline.template, 'AWS::Logs::LogGroup', 'EnvironmentJobLogGroup'));
      const summary = failedJobSummary({
        jobId: preprocessId, jobName: 'preprocess', logStreamPrefix: 'Preprocess', jobLogGroup, executionArn: result.executionArn,
      });
      expect(result.error).toEqual('BatchJobFailed');
      expect(JSON.parse(result.cause!)).toEqual(summary);

      const topicArn = pipeline.physicalId(logicalIdOf(pipeline.template, 'AWS::SNS::Topic'));
      const sent = await sentNotifications(server!.endpoint, topicArn);
      expect(sent.map((s) => [s.subject, JSON.parse(s.message)])).toEqual([['AWS Batch job failed', summary]]);

      const entered = statesEntered(result.events);
      expect(entered.slice(0, 4)).toEqual(['Run', 'PreprocessStep', 'IsBatchJobFailure', 'ParseJobFailure']);
      expect(entered).not.toContain('TrainShards');
      expect(entered.slice(-2)).toEqual(['NotifyJobFailure', 'JobFailed']);
    });

    test('a task retries its failed job, then its own Catch recovers', async () => {
      const result = await runExecution(server!.endpoint, retry.stateMachineArn, { run: 1 });
      expect(result.status).toEqual('SUCCEEDED');
      const jobIds = submittedJobIds(result.events);
      expect(jobIds).toHaveLength(3); // the first attempt and 2 retries
      const jobs = await describeJobs(server!.endpoint, jobIds);
      expect(jobs.map((j) => j.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);

      const output = result.output as any;
      expect(output.run).toEqual(1);
      expect(output.error.Error).toEqual('States.TaskFailed');
      const cause = JSON.parse(output.error.Cause);
      expect([cause.JobId, cause.Status, cause.StatusReason, cause.Container.ExitCode])
        .toEqual([jobIds[2], 'FAILED', ESSENTIAL_CONTAINER_EXITED, 1]);
      expect(statesEntered(result.events)).toEqual(['Run', 'ProcessShard', 'Recovered']);

      // The task's own Catch comes first: the workflow's failure handling does not run.
      const topicArn = retry.physicalId(logicalIdOf(retry.template, 'AWS::SNS::Topic'));
      expect(await sentNotifications(server!.endpoint, topicArn)).toEqual([]);
    });
  });
});
