/**
 * The single-job example, deployed to local-aws and run: once with jobs that succeed, once on a
 * server whose jobs all fail (the failure summary, its SNS notification and the failed execution).
 * Beside it, the README's first example: a one-job workflow that reads its job's parameters from
 * the input's `parameters`, started with and without them.
 */
import * as ecs from 'aws-cdk-lib/aws-ecs';
import {
  Deployment,
  describeJobs,
  describeStateMachine,
  describeWithLocalAws,
  E2E_TIMEOUT_MS,
  ESSENTIAL_CONTAINER_EXITED,
  failedJobSummary,
  JOB_ID,
  localAwsTemplate,
  logicalIdOf,
  resourcesOfType,
  sentNotifications,
  startAndDeploy,
  startAndDeployEach,
  stateInput,
  statesEntered,
  submittedJobIds,
} from './local-aws';
import { singleJobApp } from '../../examples/single-job';
import { runExecution } from '../../local-aws/harness';
import { BatchEnvironment, BatchJob, BatchWorkflow } from '../../src';

jest.setTimeout(E2E_TIMEOUT_MS);

const INPUT = { batchjob: { parameters: { input: 's3://example-bucket/raw/2024-06-01/' } } };

function template(): any {
  return singleJobApp().synth().stacks[0].template;
}

/** The README's first example: one job with a default parameter, its parameters from the input's `parameters`. */
function defaultParametersTemplate(): any {
  return localAwsTemplate('DefaultParameters', (stack) => {
    const environment = new BatchEnvironment(stack, 'Environment');
    const job = new BatchJob(stack, 'Preprocessing', {
      environment,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'),
      command: ['python', 'preprocess.py', 'Ref::input'],
      parameters: { input: 's3://my-bucket/raw/' },
    });
    new BatchWorkflow(stack, 'Workflow', { job });
  });
}

describeWithLocalAws('single-job example on local-aws', () => {
  describe('jobs succeed', () => {
    let deployment: Deployment | undefined;
    beforeAll(async () => {
      deployment = await startAndDeploy('SingleJobExample', template());
    });
    afterAll(async () => {
      await deployment?.server.stop();
    });

    test('the state machine is deployed with logging, tracing and alarms', async () => {
      const { server, stateMachineArn, physicalId, template: t } = deployment!;
      const described = await describeStateMachine(server.endpoint, stateMachineArn);
      expect(described.type).toEqual('STANDARD');
      expect(described.loggingConfiguration?.level).toEqual('ALL');
      expect(described.loggingConfiguration?.includeExecutionData).toBe(true);
      const logGroup = physicalId(logicalIdOf(t, 'AWS::Logs::LogGroup', 'WorkflowLogs'));
      expect(described.loggingConfiguration?.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn).toContain(`:log-group:${logGroup}`);
      expect(described.tracingConfiguration?.enabled).toBe(true);
      expect(resourcesOfType(t, 'AWS::CloudWatch::Alarm')).toHaveLength(3);
    });

    test('an execution outputs the compact summary of the job', async () => {
      const { server, stateMachineArn } = deployment!;
      const result = await runExecution(server.endpoint, stateMachineArn, INPUT);
      expect(result.status).toEqual('SUCCEEDED');
      const [jobId] = submittedJobIds(result.events);
      expect(jobId).toMatch(JOB_ID);
      expect(result.output).toEqual({
        JobId: jobId,
        JobName: 'PreprocessingBatchJob',
        Status: 'SUCCEEDED',
        StatusReason: ESSENTIAL_CONTAINER_EXITED,
        Attempts: 1,
        LogStreamName: `Preprocessing/default/${jobId}`,
      });
      expect(statesEntered(result.events)).toEqual(['SubmitJob']);

      // What Batch got: the parameters from the execution input, and the job definition's command.
      const [job] = await describeJobs(server.endpoint, [jobId]);
      expect(job.status).toEqual('SUCCEEDED');
      expect(job.parameters).toEqual(INPUT.batchjob.parameters);
      expect(job.container?.command).toEqual(['python', '-c', 'import sys; print("preprocessing", sys.argv[1:])', 'Ref::input']);
      // The overrides as sent (moto's DescribeJobs does not apply ContainerOverrides.ResourceRequirements).
      const scheduled = result.events.find((e) => e.type === 'TaskScheduled')!;
      expect(JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).ContainerOverrides.ResourceRequirements).toEqual([
        { Type: 'VCPU', Value: '4' },
        { Type: 'MEMORY', Value: '8192' },
      ]);
    });

    test('no notification is published when the job succeeds', async () => {
      const { server, physicalId, template: t } = deployment!;
      const topicArn = physicalId(logicalIdOf(t, 'AWS::SNS::Topic'));
      expect(await sentNotifications(server.endpoint, topicArn)).toEqual([]);
    });
  });

  describe('a one-job workflow with its parameters from the input, started with and without them', () => {
    let deployment: Deployment | undefined;
    beforeAll(async () => {
      [deployment] = await startAndDeployEach([['DefaultParameters', defaultParametersTemplate()]]);
    });
    afterAll(async () => {
      await deployment?.server.stop();
    });

    test('an input without `parameters` submits the job with none, so the job definition\'s defaults apply', async () => {
      const { server, stateMachineArn } = deployment!;
      const result = await runExecution(server.endpoint, stateMachineArn, {});
      expect(result.status).toEqual('SUCCEEDED');
      expect(statesEntered(result.events)).toEqual(['HasParameters', 'NoParameters', 'SubmitJob']);
      const scheduled = result.events.find((e) => e.type === 'TaskScheduled')!;
      expect(JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).Parameters).toEqual({});
      const [job] = await describeJobs(server.endpoint, submittedJobIds(result.events));
      expect(job.status).toEqual('SUCCEEDED');
    });

    test('the input\'s `parameters` are submitted as given', async () => {
      const { server, stateMachineArn } = deployment!;
      const parameters = { input: 's3://my-bucket/raw/2024-06-01/' };
      const result = await runExecution(server.endpoint, stateMachineArn, { parameters });
      expect(result.status).toEqual('SUCCEEDED');
      expect(statesEntered(result.events)).toEqual(['HasParameters', 'SubmitJob']);
      const [job] = await describeJobs(server.endpoint, submittedJobIds(result.events));
      expect(job.parameters).toEqual(parameters);
    });
  });

  describe('jobs fail (local-aws --fail-jobs)', () => {
    let deployment: Deployment | undefined;
    beforeAll(async () => {
      deployment = await startAndDeploy('SingleJobExample', template(), { failJobs: true });
    });
    afterAll(async () => {
      await deployment?.server.stop();
    });

    test('the failed job is summarized, notified, and fails the execution with the summary', async () => {
      const { server, stateMachineArn, physicalId, template: t } = deployment!;
      const result = await runExecution(server.endpoint, stateMachineArn, INPUT);
      expect(result.status).toEqual('FAILED');
      const [jobId] = submittedJobIds(result.events);
      expect(jobId).toMatch(JOB_ID);
      // The handler starts from the error alone, without the execution input (INPUT) beside it.
      const caught = stateInput(result.events, 'IsBatchJobFailure') as { [key: string]: string };
      expect(Object.keys(caught).sort()).toEqual(['Cause', 'Error']);
      expect(caught.Error).toEqual('States.TaskFailed');
      expect(JSON.parse(caught.Cause).JobId).toEqual(jobId);

      const jobLogGroup = physicalId(logicalIdOf(t, 'AWS::Logs::LogGroup', 'EnvironmentJobLogGroup'));
      const summary = failedJobSummary({
        jobId, jobName: 'PreprocessingBatchJob', logStreamPrefix: 'Preprocessing', jobLogGroup, executionArn: result.executionArn,
      });
      expect(result.error).toEqual('BatchJobFailed');
      expect(JSON.parse(result.cause!)).toEqual(summary);

      const topicArn = physicalId(logicalIdOf(t, 'AWS::SNS::Topic'));
      const sent = await sentNotifications(server.endpoint, topicArn);
      expect(sent).toHaveLength(1);
      expect(sent[0].subject).toEqual('AWS Batch job failed');
      expect(JSON.parse(sent[0].message)).toEqual(summary);
      const notified = result.events.find((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resourceType === 'sns')!;
      expect(JSON.parse(notified.taskSucceededEventDetails!.output!).MessageId).toEqual(sent[0].messageId);

      expect(statesEntered(result.events)).toEqual([
        'SubmitJob',
        'IsBatchJobFailure',
        'ParseJobFailure',
        'SummarizeJobFailure',
        'HasStatusReason',
        'AddStatusReason',
        'HasContainerReason',
        'HasExitCode',
        'AddExitCode',
        'HasLogStream',
        'AddLogStream',
        'NotifyJobFailure',
        'JobFailed',
      ]);
      const [job] = await describeJobs(server.endpoint, [jobId]);
      expect(job.status).toEqual('FAILED');
    });
  });
});
