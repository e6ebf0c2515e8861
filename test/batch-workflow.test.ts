import { App, CfnOutput, CfnParameter, CfnResource, Duration, NestedStack, Size, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BatchEnvironment, BatchJob, BatchWorkflow, BatchWorkflowProps, Capacity, ContainerOverrides, JobDefinitionTarget, JobOutput, JobQueueTarget, Platform, SubmitJob } from '../src';
import { stateMachineDefinition } from './util';
import { stateMachineDefinitions } from '../examples/support/definition';

function setUp() {
  const stack = new Stack();
  const environment = new BatchEnvironment(stack, 'Env');
  const job = new BatchJob(stack, 'Job', { environment, image: ecs.ContainerImage.fromRegistry('busybox') });
  return { stack, environment, job };
}

function workflow(props: Partial<BatchWorkflowProps> = {}) {
  const { stack, job, environment } = setUp();
  const wf = new BatchWorkflow(stack, 'Workflow', { job, ...props } as BatchWorkflowProps);
  return { stack, wf, job, environment, template: Template.fromStack(stack) };
}

const COMPACT = {
  'JobId.$': '$.JobId',
  'JobName.$': '$.JobName',
  'Status.$': '$.Status',
  'StatusReason.$': '$.StatusReason',
  'Attempts.$': 'States.ArrayLength($.Attempts)',
  'LogStreamName.$': '$.Container.LogStreamName',
};

describe('defaults', () => {
  test('a Standard state machine, logging ALL with execution data to a log group kept one month, X-Ray tracing', () => {
    const { template } = workflow();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowLogs'), 'Arn'] } } }],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, LogGroupName: Match.absent() });
  });

  test('every log group (executions, jobs, flow logs) is kept when the stack is deleted', () => {
    const { template } = workflow();
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(3);
    for (const logGroup of logGroups) {
      expect(logGroup).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
    }
  });

  test('an overall timeout of one day', () => {
    const { stack } = workflow();
    expect(stateMachineDefinition(stack).TimeoutSeconds).toEqual(86400);
  });

  test('an Express state machine: five minutes, the longest an Express execution runs', () => {
    const { stack, environment, job } = setUp();
    new BatchWorkflow(stack, 'Workflow', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definition: new SubmitJob(stack, 'Fire', {
        jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'fire', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      }),
    });
    expect(stateMachineDefinition(stack).TimeoutSeconds).toEqual(300);
    // The workflow's default output (COMPACT) leaves a request-response task's output as it is.
    expect(Object.keys(stateMachineDefinition(stack).States.Run.Branches[0].States.Fire)).toEqual(['End', 'Type', 'Resource', 'Parameters']);
  });

  test('alarms on failed, timed-out and aborted executions', () => {
    const { template, wf } = workflow();
    expect(wf.alarms).toHaveLength(3);
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Period: 300,
        Statistic: 'Sum',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^Workflow') } }],
      });
    }
  });

  test('the one job: submitted to its environment queue, parameters from the input, compact output, failures caught', () => {
    const { stack } = workflow({ jobName: 'nightly' });
    const state = stateMachineDefinition(stack).States.SubmitJob;
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: 'arn:aws:states:::batch:submitJob.sync',
      Parameters: {
        'JobDefinition': expect.stringMatching(/^\{\{Ref:Job[0-9A-F]{8}\}\}$/),
        'JobName': 'nightly',
        'JobQueue': expect.stringMatching(/^\{\{GetAtt:EnvJobQueue[0-9A-F]{8}.JobQueueArn\}\}$/),
        'Parameters.$': '$.parameters',
      },
      ResultSelector: COMPACT,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'IsBatchJobFailure' }],
    });
  });

  test('an input without `parameters` runs the one job with its job definition\'s defaults, instead of failing the execution', () => {
    const { stack } = workflow();
    const definition = stateMachineDefinition(stack);
    expect(definition.StartAt).toEqual('HasParameters');
    expect(definition.States.HasParameters).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.parameters', IsPresent: true, Next: 'SubmitJob' }],
      Default: 'NoParameters',
    });
    expect(definition.States.NoParameters).toEqual({ Type: 'Pass', Result: {}, ResultPath: '$.parameters', Next: 'SubmitJob' });
    expect(definition.States.SubmitJob.Parameters['Parameters.$']).toEqual('$.parameters');
  });

  test('parameters of the user\'s choosing are submitted as given, with no default', () => {
    const { stack } = workflow({ jobParameters: sfn.TaskInput.fromObject({ input: sfn.JsonPath.stringAt('$.input') }) });
    const definition = stateMachineDefinition(stack);
    expect(definition.StartAt).toEqual('SubmitJob');
    expect(definition.States.SubmitJob.Parameters.Parameters).toEqual({ 'input.$': '$.input' });
    expect(Object.keys(definition.States)).not.toContain('HasParameters');
  });

  test('full output on request', () => {
    const { stack } = workflow({ jobOutput: JobOutput.FULL });
    expect(stateMachineDefinition(stack).States.SubmitJob.ResultSelector).toBeUndefined();
  });

  test('a task with a result selection of its own keeps it; output and resultSelector/outputs together fail', () => {
    const { stack, environment, job } = setUp();
    const own = new SubmitJob(stack, 'Own', {
      jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'own', resultSelector: { 'id.$': '$.JobId' },
    });
    new BatchWorkflow(stack, 'Workflow', { definition: own });
    expect(stateMachineDefinition(stack).States.Run.Branches[0].States.Own.ResultSelector).toEqual({ 'id.$': '$.JobId' });
    for (const extra of [{ resultSelector: { 'id.$': '$.JobId' } }, { outputs: '{% $states.result.JobId %}' }]) {
      expect(() => new SubmitJob(stack, `Both${Object.keys(extra)[0]}`, {
        jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'x', output: JobOutput.COMPACT, ...extra,
      })).toThrow(`Give only one of \`output\` and \`${Object.keys(extra)[0]}\`, got both`);
    }
  });

  test('timeout, tracing, log level, log retention and name as given', () => {
    const { template, stack } = workflow({
      timeout: Duration.hours(2),
      tracingEnabled: false,
      logLevel: sfn.LogLevel.ERROR,
      logRetention: logs.RetentionDays.ONE_WEEK,
      stateMachineName: 'nightly-train',
    });
    expect(stateMachineDefinition(stack).TimeoutSeconds).toEqual(7200);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'nightly-train',
      TracingConfiguration: { Enabled: false },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR' }),
    });
    const logGroup = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 7 } });
    expect(Object.keys(logGroup)).toEqual([expect.stringMatching(/^WorkflowLogs/)]);
  });

  test('a log group of the user\'s own receives the execution logs, and none is created', () => {
    const { stack, job } = setUp();
    const logGroup = new logs.LogGroup(stack, 'Vended', { logGroupName: '/aws/vendedlogs/states/nightly' });
    const wf = new BatchWorkflow(stack, 'Workflow', { job, logGroup });
    expect(wf.logGroup).toBe(logGroup);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vended'), 'Arn'] } } }],
      }),
    });
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('WorkflowLogs'))).toEqual([]);
  });

  test('the compact output applies to catch handlers of the definition too', () => {
    const { stack, environment, job } = setUp();
    const submit = (id: string) => new SubmitJob(stack, id, { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: id });
    const main = submit('Main');
    main.addCatch(submit('Cleanup'));
    new BatchWorkflow(stack, 'Workflow', { definition: main });
    const states = stateMachineDefinition(stack).States.Run.Branches[0].States;
    expect(states.Main.ResultSelector).toEqual(COMPACT);
    expect(states.Cleanup.ResultSelector).toEqual(COMPACT);
  });

  test('no alarms, no failure handling on request', () => {
    const { template, stack } = workflow({ alarms: false, handleFailures: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(Object.keys(stateMachineDefinition(stack).States).sort()).toEqual(['HasParameters', 'NoParameters', 'SubmitJob']);
  });
});

describe('failure handling', () => {
  test('parses the failed job, summarizes it, notifies, and fails the execution with the summary', () => {
    const { stack, template } = workflow({ createNotificationTopic: true });
    const states = stateMachineDefinition(stack, { 'AWS::Region': 'eu-west-1' }).States;

    expect(states.IsBatchJobFailure).toEqual({
      Type: 'Choice',
      Choices: [{
        And: [
          { Variable: '$.Cause', IsPresent: true },
          { Variable: '$.Error', StringEquals: 'States.TaskFailed' },
          { Variable: '$.Cause', StringMatches: '{*"JobId"*}' },
          { Variable: '$.Cause', StringMatches: '*"JobName"*' },
          { Variable: '$.Cause', StringMatches: '*"Status"*' },
        ],
        Next: 'ParseJobFailure',
      }],
      Default: 'SummarizeOtherFailure',
    });
    expect(states.ParseJobFailure).toEqual({
      Type: 'Pass',
      Parameters: { 'Error.$': '$.Error', 'job.$': 'States.StringToJson($.Cause)' },
      Next: 'SummarizeJobFailure',
    });
    expect(states.SummarizeJobFailure).toEqual({
      Type: 'Pass',
      Parameters: { 'JobId.$': '$.job.JobId', 'JobName.$': '$.job.JobName', 'Status.$': '$.job.Status', 'Execution.$': '$$.Execution.Id' },
      ResultPath: '$.summary',
      Next: 'HasStatusReason',
    });
    expect(states.HasStatusReason).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.job.StatusReason', IsPresent: true, Next: 'AddStatusReason' }],
      Default: 'HasContainerReason',
    });
    expect(states.AddStatusReason).toEqual({
      Type: 'Pass', InputPath: '$.job.StatusReason', ResultPath: '$.summary.StatusReason', Next: 'HasContainerReason',
    });
    expect(states.HasContainerReason).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.job.Container.Reason', IsPresent: true, Next: 'AddContainerReason' }],
      Default: 'HasExitCode',
    });
    expect(states.AddContainerReason).toEqual({
      Type: 'Pass', InputPath: '$.job.Container.Reason', ResultPath: '$.summary.ContainerReason', Next: 'HasExitCode',
    });
    expect(states.AddExitCode).toEqual({
      Type: 'Pass', InputPath: '$.job.Container.ExitCode', ResultPath: '$.summary.ExitCode', Next: 'HasLogStream',
    });
    expect(states.HasLogStream.Choices).toEqual([{ Variable: '$.job.Container.LogStreamName', IsPresent: true, Next: 'AddLogStream' }]);
    expect(states.AddLogStream.Parameters['LogStreamName.$']).toEqual('$.job.Container.LogStreamName');
    const [jobLogGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('EnvJobLogGroup'));
    expect(states.AddLogStream.Parameters['LogsUrl.$']).toEqual(
      "States.Format('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
      + `#logEventViewer:group={{Ref:${jobLogGroup}}};stream={}', $.job.Container.LogStreamName)`);
    expect(states.NotifyJobFailure).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { 'TopicArn': expect.any(String), 'Message.$': '$.summary', 'Subject': 'AWS Batch job failed' },
      ResultPath: null,
      // A notification that fails after its retries does not hide the job's failure.
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notificationError', Next: 'JobFailed' }],
      Next: 'JobFailed',
    });
    expect(states.JobFailed).toEqual({ Type: 'Fail', Error: 'BatchJobFailed', CausePath: 'States.JsonToString($.summary)' });
  });

  test.each([
    ['cn-north-1', 'console.amazonaws.cn'],
    ['us-gov-west-1', 'console.amazonaws-us-gov.com'],
    ['eu-west-1', 'eu-west-1.console.aws.amazon.com'],
  ])('in a stack of %s, the console link goes to %s', (region, host) => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region } });
    const job = new BatchJob(stack, 'Job', { environment: new BatchEnvironment(stack, 'Env'), image: ecs.ContainerImage.fromRegistry('busybox') });
    new BatchWorkflow(stack, 'Workflow', { job });
    const link: string = stateMachineDefinition(stack).States.AddLogStream.Parameters['LogsUrl.$'];
    const start = `States.Format('https://${host}/cloudwatch/home?region=${region}#logEventViewer:group=`;
    expect(link.slice(0, start.length)).toEqual(start);
  });

  test('in a stack of a partition with a console of its own that the library does not know, the summary has no link', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-iso-east-1' } });
    const job = new BatchJob(stack, 'Job', { environment: new BatchEnvironment(stack, 'Env'), image: ecs.ContainerImage.fromRegistry('busybox') });
    new BatchWorkflow(stack, 'Workflow', { job });
    expect(stateMachineDefinition(stack).States.AddLogStream.Parameters).toEqual({ 'LogStreamName.$': '$.job.Container.LogStreamName' });
  });

  test('any other failure is summarized by its error and cause, notified, and fails the execution with its own error', () => {
    const { stack } = workflow({ createNotificationTopic: true });
    const states = stateMachineDefinition(stack).States;
    expect(states.SummarizeOtherFailure).toEqual({
      Type: 'Pass',
      Parameters: { 'Error.$': '$.Error', 'Execution.$': '$$.Execution.Id' },
      ResultPath: '$.summary',
      Next: 'HasCause',
    });
    // A Fail state or SendTaskFailure may give no cause.
    expect(states.HasCause).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.Cause', IsPresent: true, Next: 'AddCause' }],
      Default: 'NotifyFailure',
    });
    expect(states.AddCause).toEqual({ Type: 'Pass', InputPath: '$.Cause', ResultPath: '$.summary.Cause', Next: 'NotifyFailure' });
    expect(states.NotifyFailure).toEqual(expect.objectContaining({
      Parameters: { 'TopicArn': expect.any(String), 'Message.$': '$.summary', 'Subject': 'AWS Batch workflow failed' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notificationError', Next: 'ExecutionFailed' }],
      Next: 'ExecutionFailed',
    }));
    expect(states.ExecutionFailed).toEqual({ Type: 'Fail', ErrorPath: '$.summary.Error', CausePath: 'States.JsonToString($.summary)' });
  });

  test('without a topic, each summary goes straight to its Fail state', () => {
    const { stack } = workflow();
    const states = stateMachineDefinition(stack).States;
    expect(states.HasLogStream.Default).toEqual('JobFailed');
    expect(states.HasCause.Default).toEqual('ExecutionFailed');
    expect(Object.keys(states)).not.toContain('NotifyJobFailure');
  });

  test('a FIFO topic gets a message group and, unless it deduplicates by content, the execution name as deduplication ID', () => {
    const { stack, job } = setUp();
    new BatchWorkflow(stack, 'Workflow', { job, notificationTopic: new sns.Topic(stack, 'Fifo', { fifo: true }) });
    new BatchWorkflow(stack, 'ByContent', {
      job, notificationTopic: new sns.Topic(stack, 'ByContentTopic', { fifo: true, contentBasedDeduplication: true }),
    });
    const definitions = Object.entries(stateMachineDefinitions(Template.fromStack(stack).toJSON()));
    const [fifo, byContent] = ['Workflow', 'ByContent'].map((id) =>
      definitions.find(([logicalId]) => logicalId.startsWith(id))![1].States.NotifyJobFailure.Parameters);
    expect(fifo).toEqual(expect.objectContaining({ 'MessageGroupId': 'BatchWorkflow', 'MessageDeduplicationId.$': '$$.Execution.Name' }));
    expect(byContent).toEqual(expect.objectContaining({ MessageGroupId: 'BatchWorkflow' }));
    expect(Object.keys(byContent)).not.toContain('MessageDeduplicationId.$');
  });

  test('a given topic with a customer managed key: the role may use the key to publish; the created topic needs no grant', () => {
    const { stack, job } = setUp();
    const key = new kms.Key(stack, 'Key');
    new BatchWorkflow(stack, 'Workflow', { job, notificationTopic: new sns.Topic(stack, 'Encrypted', { masterKey: key }) });
    new BatchWorkflow(stack, 'Created', { job, createNotificationTopic: true });
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    new BatchWorkflow(stack, 'Imported', {
      job, notificationTopic: sns.Topic.fromTopicAttributes(stack, 'ImportedTopic', { topicArn: 'arn:aws:sns:us-east-1:111122223333:t', keyArn }),
    });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statementsOf = (prefix: string) => Object.entries(policies)
      .find(([logicalId]) => logicalId.startsWith(prefix))![1].Properties.PolicyDocument.Statement as any[];
    expect(statementsOf('WorkflowRole')).toContainEqual({
      Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
    expect(JSON.stringify(statementsOf('CreatedRole'))).not.toContain('kms:');
    expect(statementsOf('ImportedRole')).toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn });
  });

  test('the topic it creates is encrypted and TLS-only', () => {
    const { template, wf } = workflow({ createNotificationTopic: true });
    expect(wf.notificationTopic).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alias/aws/sns']],
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('a given topic is used, not a created one', () => {
    const { stack, job } = setUp();
    const topic = new sns.Topic(stack, 'MyTopic');
    const wf = new BatchWorkflow(stack, 'Workflow', { job, notificationTopic: topic });
    expect(wf.notificationTopic).toBe(topic);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('a chain runs as the one branch of a Parallel state that catches failures', () => {
    const { stack, environment, job } = setUp();
    const first = new SubmitJob(stack, 'First', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'first' });
    const second = new SubmitJob(stack, 'Second', {
      jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'second', output: JobOutput.FULL,
    });
    new BatchWorkflow(stack, 'Workflow', { definition: first.next(second), jobLogGroup: environment.jobLogGroup });
    const definition = stateMachineDefinition(stack);
    expect(definition.StartAt).toEqual('Run');
    expect(definition.States.Run).toEqual(expect.objectContaining({
      Type: 'Parallel',
      OutputPath: '$[0]',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'IsBatchJobFailure' }],
    }));
    const branch = definition.States.Run.Branches[0].States;
    expect(branch.First.ResultSelector).toEqual(COMPACT);
    expect(branch.Second.ResultSelector).toBeUndefined();
  });
});

describe('errors', () => {
  test.each([
    ['definition and job', (j: BatchJob, s: Stack) => ({ job: j, definition: new sfn.Pass(s, 'P') }), 'Give only one of `definition` and `job`, got both'],
    ['neither', () => ({}), 'Give one of `definition` (states of your own) and `job` (one job), got neither'],
    ['jobName with definition', (_: BatchJob, s: Stack) => ({ definition: new sfn.Pass(s, 'P'), jobName: 'x' }),
      '`jobName` cannot be used with `definition`: it configures the job of a one-job workflow (`job`); set it on your SubmitJob task instead'],
    ['shareIdentifier with definition', (_: BatchJob, s: Stack) => ({ definition: new sfn.Pass(s, 'P'), shareIdentifier: 'teamA' }),
      '`shareIdentifier` cannot be used with `definition`: it configures the job of a one-job workflow (`job`); set it on your SubmitJob task instead'],
    ['schedulingPriorityOverride with definition', (_: BatchJob, s: Stack) => ({ definition: new sfn.Pass(s, 'P'), schedulingPriorityOverride: 5 }),
      '`schedulingPriorityOverride` cannot be used with `definition`: it configures the job of a one-job workflow (`job`); set it on your SubmitJob task instead'],
    ['schedulingPriorityOverride out of range', (j: BatchJob) => ({ job: j, schedulingPriorityOverride: 10_000 }),
      '`schedulingPriorityOverride` must be an integer between 0 and 9,999, got 10000'],
    ['timeout of 0 seconds', (j: BatchJob) => ({ job: j, timeout: Duration.seconds(0) }), '`timeout` must be at least 1 seconds, got 0 seconds'],
    ['Express timeout over five minutes', (_: BatchJob, s: Stack) => ({
      definition: new sfn.Pass(s, 'P'), stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(6),
    }), '`timeout` must be at most 300 seconds for an Express state machine, whose executions run five minutes at most, got 360 seconds'],
    ['timeout not whole seconds', (j: BatchJob) => ({ job: j, timeout: Duration.millis(1_500) }),
      '`timeout` must be a whole number of seconds, got 1,500 milliseconds'],
    ['log group and retention', (j: BatchJob, s: Stack) => ({ job: j, logGroup: new logs.LogGroup(s, 'L'), logRetention: logs.RetentionDays.ONE_WEEK }),
      '`logRetention` cannot be used with `logGroup`: the retention of a given log group is its own'],
    ['topic given and created', (j: BatchJob, s: Stack) => ({ job: j, notificationTopic: new sns.Topic(s, 'T'), createNotificationTopic: true }),
      '`notificationTopic` cannot be used with `createNotificationTopic`: give a topic, or ask for one to be created'],
    ['notification without failure handling', (j: BatchJob) => ({ job: j, createNotificationTopic: true, handleFailures: false }),
      '`handleFailures: false` cannot be used with a notification topic: failures are notified by the failure handling'],
    ['Express with .sync', (j: BatchJob) => ({ job: j, stateMachineType: sfn.StateMachineType.EXPRESS }),
      '`stateMachineType` must be STANDARD for tasks that wait for their job (.sync), got EXPRESS with SubmitJob: '
      + 'Step Functions runs .sync integrations only in Standard workflows. Use STANDARD, or integrationPattern REQUEST_RESPONSE on these tasks.'],
  ])('%s', (_, makeProps, message) => {
    const { stack, job } = setUp();
    expect(() => new BatchWorkflow(stack, 'Workflow', makeProps(job, stack) as BatchWorkflowProps)).toThrow(message);
  });

  test('Express with a .sync task inside a Map state fails too', () => {
    const { stack, environment, job } = setUp();
    const map = new sfn.Map(stack, 'Each', { itemsPath: '$.items' });
    map.itemProcessor(new SubmitJob(stack, 'Inner', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'inner' }));
    expect(() => new BatchWorkflow(stack, 'Workflow', { definition: map, stateMachineType: sfn.StateMachineType.EXPRESS }))
      .toThrow(/got EXPRESS with Inner: Step Functions runs .sync integrations only in Standard workflows/);
  });

  test('Express with request-response tasks is fine', () => {
    const { stack, environment, job } = setUp();
    const task = new SubmitJob(stack, 'Fire', {
      jobQueue: environment.jobQueue,
      jobDefinition: job.jobDefinition,
      jobName: 'fire',
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    });
    expect(() => new BatchWorkflow(stack, 'Workflow', {
      definition: task, stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5),
    })).not.toThrow();
  });

  test('Express with numbers known only at deploy time (a timeout, an array size, a wait): .sync is still found', () => {
    const { stack, environment, job } = setUp();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    const size = new CfnParameter(stack, 'Size', { type: 'Number' }).valueAsNumber;
    const submit = (id: string, integrationPattern: sfn.IntegrationPattern) => new SubmitJob(stack, id, {
      jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: id, arraySize: size, integrationPattern,
    });
    const express = (definition: sfn.IChainable, id: string) => () => new BatchWorkflow(stack, id, {
      definition, stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.seconds(seconds),
    });
    // A wait of deploy-time seconds, after a string with quotes and backslashes that must not confuse where strings end.
    const wait = () => new sfn.Pass(stack, `Note${stack.node.children.length}`, { result: sfn.Result.fromString('a "quoted" \\" value') })
      .next(new sfn.Wait(stack, `Wait${stack.node.children.length}`, { time: sfn.WaitTime.duration(Duration.seconds(seconds)) }));
    expect(express(wait().next(submit('Fire', sfn.IntegrationPattern.REQUEST_RESPONSE)), 'Fine')).not.toThrow();
    expect(express(wait().next(submit('Wait', sfn.IntegrationPattern.RUN_JOB)), 'Sync'))
      .toThrow(/got EXPRESS with Wait: Step Functions runs .sync integrations only in Standard workflows/);
  });

  describe('a state named like a state of the failure handling', () => {
    const OWN_STATES = 'Run, IsBatchJobFailure, SummarizeOtherFailure, ParseJobFailure, HasCause, SummarizeJobFailure, ExecutionFailed, '
      + 'AddCause, HasStatusReason, HasContainerReason, AddStatusReason, HasExitCode, AddContainerReason, HasLogStream, AddExitCode, '
      + 'JobFailed, AddLogStream';
    const collision = (name: string) => `\`definition\` has a state named '${name}', a name the failure handling of BatchWorkflow `
      + `gives one of its own states (${OWN_STATES}); state names must be unique in a state machine. `
      + 'Rename your state (its construct id, or `stateName`), or set `handleFailures: false`';
    const task = (stack: Stack, environment: BatchEnvironment, job: BatchJob, id: string) =>
      new SubmitJob(stack, id, { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: id });

    test('in the chain', () => {
      const { stack, environment, job } = setUp();
      const definition = task(stack, environment, job, 'Run').next(task(stack, environment, job, 'Then'));
      expect(() => new BatchWorkflow(stack, 'Workflow', { definition })).toThrow(collision('Run'));
    });

    test('inside a Parallel branch, named by stateName', () => {
      const { stack, environment, job } = setUp();
      const inner = new sfn.Pass(stack, 'Inner', { stateName: 'JobFailed' });
      const definition = new sfn.Parallel(stack, 'Both').branch(task(stack, environment, job, 'A')).branch(inner);
      expect(() => new BatchWorkflow(stack, 'Workflow', { definition })).toThrow(collision('JobFailed'));
    });

    test('the topic\'s state too, when failures are notified', () => {
      const { stack, environment, job } = setUp();
      const definition = task(stack, environment, job, 'NotifyJobFailure').next(new sfn.Pass(stack, 'Done'));
      expect(() => new BatchWorkflow(stack, 'Workflow', { definition, createNotificationTopic: true }))
        .toThrow(/has a state named 'NotifyJobFailure', a name the failure handling of BatchWorkflow gives one of its own states \(Run, IsBatchJobFailure, SummarizeOtherFailure, ParseJobFailure, HasCause, SummarizeJobFailure, NotifyFailure, /);
    });

    test('is fine without failure handling', () => {
      const { stack, environment, job } = setUp();
      const definition = task(stack, environment, job, 'Run').next(new sfn.Pass(stack, 'JobFailed'));
      new BatchWorkflow(stack, 'Workflow', { definition, handleFailures: false });
      expect(Object.keys(stateMachineDefinition(stack).States)).toEqual(['Run', 'JobFailed']);
    });

    test('a state given to two workflows is named, instead of aws-cdk-lib\'s error about two `Run` states', () => {
      const { stack, environment, job } = setUp();
      const shared = task(stack, environment, job, 'Shared');
      new BatchWorkflow(stack, 'Daily', { definition: shared });
      expect(() => new BatchWorkflow(stack, 'Hourly', { definition: shared })).toThrow(
        '`definition` has the state \'Shared\', which is in the definition of another state machine already: '
        + 'a state belongs to one state machine. Create the state again (a new SubmitJob, say) for each workflow');
    });

    test('two states of the user\'s own with one name keep aws-cdk-lib\'s error', () => {
      const { stack, environment, job } = setUp();
      const definition = new sfn.Parallel(stack, 'Both')
        .branch(task(stack, environment, job, 'A'))
        .branch(new sfn.Pass(stack, 'Other', { stateName: 'A' }));
      expect(() => new BatchWorkflow(stack, 'Workflow', { definition }))
        .toThrow(/^State with name 'A' occurs in both Parallel 'Both' branch 2 \(A\) and Parallel 'Both' branch 1 \(A\)/);
    });
  });
});

describe('the job and its queue, checked at synth', () => {
  function synthError(build: (stack: Stack) => void): string {
    const stack = new Stack();
    build(stack);
    try {
      Template.fromStack(stack);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  }
  const image = ecs.ContainerImage.fromRegistry('busybox');
  const fairShare = (stack: Stack) => new BatchEnvironment(stack, 'Env', {
    schedulingPolicy: new batch.FairshareSchedulingPolicy(stack, 'Policy', { shares: [{ shareIdentifier: 'teamA', weightFactor: 1 }] }),
  });

  describe('a job that may outlast the workflow timeout', () => {
    const warnings = (jobProps: { timeout?: Duration; attempts?: number }, timeout?: Duration, handleFailures?: boolean) => {
      const stack = new Stack();
      const environment = new BatchEnvironment(stack, 'Env');
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, ...jobProps }), timeout, handleFailures });
      return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => `${w.id}: ${w.entry.data}`);
    };

    test('warns, with the time it may take and the ways out', () => {
      expect(warnings({ timeout: Duration.hours(20), attempts: 3 })).toEqual([
        '/Default/Workflow: The job may run for 2 days 12 hours (3 attempts of 20 hours, not counting time in the queue), longer '
        + 'than the workflow\'s `timeout` of 1 day. An execution that times out is stopped with its job, and no failure handling runs '
        + 'for it: no BatchJobFailed summary, no notification. Give the workflow a `timeout` of at least 2 days 12 hours, or the job '
        + 'a shorter `timeout` or fewer `attempts`. [ack: cdk-batch-stepfunctions:jobOutlastsTimeout]',
      ]);
    });

    test('one attempt, and a workflow without failure handling', () => {
      expect(warnings({ timeout: Duration.minutes(90), attempts: 1 }, Duration.hours(1), false)).toEqual([
        '/Default/Workflow: The job may run for 1 hour 30 minutes (1 attempt of 1 hour 30 minutes, not counting time in the queue), '
        + 'longer than the workflow\'s `timeout` of 1 hour. An execution that times out is stopped with its job. Give the workflow a '
        + '`timeout` of at least 1 hour 30 minutes, or the job a shorter `timeout` or fewer `attempts`. '
        + '[ack: cdk-batch-stepfunctions:jobOutlastsTimeout]',
      ]);
    });

    test.each([
      ['the defaults (3 attempts of 1 hour, 1 day)', {}, undefined],
      ['exactly the timeout', { timeout: Duration.hours(8), attempts: 3 }, undefined],
      ['a workflow timeout long enough', { timeout: Duration.hours(20), attempts: 3 }, Duration.hours(60)],
    ])('no warning with %s', (_name, jobProps, timeout) => {
      expect(warnings(jobProps, timeout)).toEqual([]);
    });
  });

  test('a fair-share queue needs a share identifier', () => {
    expect(synthError((stack) => {
      const environment = fairShare(stack);
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }) });
    })).toContain('[Default/Workflow/SubmitJob] `shareIdentifier` is required when the job queue has a fair-share scheduling policy, '
      + 'got nothing: Batch rejects such a job at submit. Give the share identifier the job is scheduled under');
  });

  test('with one, it is submitted, and the job definition of a fair-share environment has scheduling priority 0', () => {
    const stack = new Stack();
    const environment = fairShare(stack);
    new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), shareIdentifier: 'teamA' });
    expect(stateMachineDefinition(stack).States.SubmitJob.Parameters.ShareIdentifier).toEqual('teamA');
    expect(stateMachineDefinition(stack).States.SubmitJob.Parameters.SchedulingPriorityOverride).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', { SchedulingPriority: 0 });
  });

  test('a scheduling priority of the job\'s or the workflow\'s choosing', () => {
    const stack = new Stack();
    const environment = fairShare(stack);
    const job = new BatchJob(stack, 'Job', { environment, image, schedulingPriority: 50 });
    new BatchWorkflow(stack, 'Workflow', { job, shareIdentifier: 'teamA', schedulingPriorityOverride: 90 });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', { SchedulingPriority: 50 });
    expect(stateMachineDefinition(stack).States.SubmitJob.Parameters.SchedulingPriorityOverride).toEqual(90);
  });

  test('a queue of the user\'s own with a CfnSchedulingPolicy is fair-share too', () => {
    const stack = new Stack();
    const policy = new batch.CfnSchedulingPolicy(stack, 'Policy', { fairsharePolicy: { shareDistribution: [{ shareIdentifier: 'teamA' }] } });
    const computeEnvironment = new batch.FargateComputeEnvironment(stack, 'Fargate', { vpc: new ec2.Vpc(stack, 'Vpc') });
    const jobQueue = new batch.JobQueue(stack, 'Queue', { computeEnvironments: [{ computeEnvironment, order: 1 }], schedulingPolicy: policy });
    const environment = new BatchEnvironment(stack, 'Env', { jobQueue, platform: Platform.FARGATE });
    const job = new BatchJob(stack, 'Job', { environment, image });
    new BatchWorkflow(stack, 'Workflow', { job, shareIdentifier: 'teamA' });
    // Synthesizes: the one job's task has its share identifier and, from its definition, a priority.
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', { SchedulingPriority: 0 });
  });

  test('a fair-share queue does not judge the scheduling priority of a definition it cannot see', () => {
    expect(synthError((stack) => {
      const environment = fairShare(stack);
      const imported = batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Imported', 'arn:aws:batch:us-east-1:123456789012:job-definition/imported:1');
      new BatchWorkflow(stack, 'Workflow', {
        definition: new SubmitJob(stack, 'Imported Task', { jobQueue: environment.jobQueue, jobDefinition: imported, jobName: 'imported', shareIdentifier: 'teamA' })
          .next(new SubmitJob(stack, 'Named Task', {
            jobQueue: environment.jobQueue, jobDefinitionTarget: JobDefinitionTarget.fromName('named'), jobName: 'named', shareIdentifier: 'teamA',
          })),
      });
    })).toEqual('no error');
  });

  test('outside a fair-share environment, a job definition has no scheduling priority', () => {
    const { template } = workflow();
    template.hasResourceProperties('AWS::Batch::JobDefinition', { SchedulingPriority: Match.absent() });
  });

  test('a fair-share queue needs a scheduling priority: the job definition\'s or the task\'s', () => {
    const build = (override?: number) => (stack: Stack) => {
      const environment = fairShare(stack);
      const jobDefinition = new batch.EcsJobDefinition(stack, 'Plain', {
        container: new batch.EcsFargateContainerDefinition(stack, 'Container', { image, cpu: 1, memory: Size.gibibytes(2) }),
      });
      new BatchWorkflow(stack, 'Workflow', {
        definition: new SubmitJob(stack, 'Submit', {
          jobQueue: environment.jobQueue, jobDefinition, jobName: 'plain', shareIdentifier: 'teamA', schedulingPriorityOverride: override,
        }),
      });
    };
    expect(synthError(build())).toContain('[Default/Submit] `schedulingPriorityOverride` is required when the job queue has a fair-share '
      + 'scheduling policy and the job definition has no `schedulingPriority`, got nothing: Batch rejects such a job at submit. '
      + 'Give the job definition a `schedulingPriority` (a BatchJob in a fair-share environment gets 0), or the task a `schedulingPriorityOverride`');
    expect(synthError(build(10))).toEqual('no error');
  });

  test('a queue without a scheduling policy takes no share identifier', () => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), shareIdentifier: 'teamA' });
    })).toContain('[Default/Workflow/SubmitJob] `shareIdentifier` is only valid when the job queue has a fair-share scheduling policy, '
      + 'got "teamA" for a job queue without one: Batch rejects such a job at submit');
  });

  test('an EC2 job in a Fargate queue fails, and a Fargate job in an EC2 queue', () => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, platform: Platform.EC2 }) });
    })).toContain('[Default/Workflow/SubmitJob] `jobDefinition` must run on the platform of the job queue\'s compute environments (FARGATE), '
      + 'got a job definition for EC2: Batch cannot place its jobs in that queue. Give the job the platform of its queue, or submit it to a queue of its platform');
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
      const fargate = new BatchEnvironment(stack, 'Fargate');
      const job = new BatchJob(stack, 'Job', { environment: fargate, image });
      new BatchWorkflow(stack, 'Workflow', {
        definition: new SubmitJob(stack, 'Submit', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'run' }),
      });
    })).toContain('[Default/Submit] `jobDefinition` must run on the platform of the job queue\'s compute environments (EC2), got a job definition for FARGATE');
  });

  test.each<[string, ContainerOverrides, string]>([
    ['vCPUs Fargate lacks', { vcpus: 3 }, '`containerOverrides.vcpus` must be one of 0.25, 0.5, 1, 2, 4, 8, 16 on Fargate, got 3'],
    ['memory that does not fit the job\'s vCPUs', { memory: Size.gibibytes(16) },
      '`containerOverrides.memory` must be one of 2,048 to 8,192 in steps of 1,024 MiB with 1 vCPU on Fargate, got 16,384 MiB'],
    ['memory that does not fit the overridden vCPUs', { vcpus: 4, memory: Size.gibibytes(4) },
      '`containerOverrides.memory` must be one of 8,192 to 30,720 in steps of 1,024 MiB with 4 vCPU on Fargate, got 4,096 MiB'],
    ['vCPUs that the job\'s memory does not fit', { vcpus: 4 },
      '`containerOverrides.vcpus` needs one of 8,192 to 30,720 in steps of 1,024 MiB of memory on Fargate, and the job definition has '
      + '2,048 MiB: override `memory` too, got 4'],
    ['a GPU on Fargate', { gpuCount: 1 }, '`containerOverrides.gpuCount` is only valid on EC2, since Fargate has no GPUs, got 1 for a Fargate job definition'],
    ['an instance type for one container', { instanceType: new ec2.InstanceType('m5.large') },
      '`containerOverrides.instanceType` is only valid for multi-node parallel jobs, got m5.large for a single-container job definition'],
  ])('container overrides of a Fargate job: %s', (_, containerOverrides, message) => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), containerOverrides });
    })).toContain(`[Default/Workflow/SubmitJob] ${message}`);
  });

  test('container overrides of an EKS job definition fail: Batch takes none for EKS jobs', () => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      const eks = new batch.EksJobDefinition(stack, 'Eks', { container: new batch.EksContainerDefinition(stack, 'Container', { image }) });
      new BatchWorkflow(stack, 'Workflow', {
        definition: new SubmitJob(stack, 'Submit', {
          jobQueue: environment.jobQueue, jobDefinition: eks, jobName: 'run', containerOverrides: { command: ['run'] },
        }),
      });
    })).toContain('[Default/Submit] `containerOverrides` is not valid for a job definition that runs on Amazon EKS, got overrides for one: '
      + 'Batch rejects container overrides of EKS jobs at submit');
  });

  test('container overrides of an EC2 job: whole vCPUs', () => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
      new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), containerOverrides: { vcpus: 0.5 } });
    })).toContain('[Default/Workflow/SubmitJob] `containerOverrides.vcpus` must be an integer of at least 1 on EC2 (fractions of a vCPU are for Fargate), got 0.5');
  });

  describe('a job that reserves GPUs', () => {
    const NO_GPUS = 'but the job queue\'s compute environments launch only Batch\'s default instance classes, which have no GPUs: '
      + 'Batch cannot place the job, and it waits in RUNNABLE. Create the capacity with `gpu` true, or give it GPU instance types or classes';

    test('in a queue of default instance classes fails', () => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2Spot(), Capacity.ec2OnDemand()] });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, gpu: 1 }) });
      })).toContain(`[Default/Workflow/SubmitJob] \`jobDefinition\` reserves 1 GPU, ${NO_GPUS}`);
    });

    test('asked for by the container overrides fails the same way', () => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), containerOverrides: { gpuCount: 2 } });
      })).toContain(`[Default/Workflow/SubmitJob] \`containerOverrides.gpuCount\` asks for 2 GPUs, ${NO_GPUS}`);
    });

    const noGpuAmi = (imageType: string, orDefaultClasses: string) => 'but the job queue\'s compute environments boot an AMI without '
      + `GPU drivers (image type ${imageType})${orDefaultClasses}: the instances offer no GPU to the job, which waits in RUNNABLE. `
      + 'Create the capacity with `gpu` true, which boots the ECS-optimized Amazon Linux 2023 NVIDIA AMI (for a compute environment '
      + 'of your own, the image type ECS_AL2023_NVIDIA)';
    const OR_DEFAULT_CLASSES = ' or launch only Batch\'s default instance classes';

    test.each<[string, () => Capacity[], string]>([
      ['GPU instance types of its own, without `gpu`', () => [Capacity.ec2OnDemand({ instanceTypes: [new ec2.InstanceType('g5.xlarge')] })], ''],
      ['GPU instance classes of its own, without `gpu`, and default classes', () =>
        [Capacity.ec2Spot({ instanceClasses: [ec2.InstanceClass.G6] }), Capacity.ec2OnDemand()], OR_DEFAULT_CLASSES],
    ])('in a queue with %s fails: their AMI has no GPU drivers', (_, capacity, orDefaultClasses) => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: capacity() });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, gpu: 1 }) });
      })).toContain(`[Default/Workflow/SubmitJob] \`jobDefinition\` reserves 1 GPU, ${noGpuAmi('ECS_AL2023', orDefaultClasses)}`);
    });

    test('a compute environment of your own with GPU instances and a non-GPU image type fails the same way', () => {
      expect(synthError((stack) => {
        const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(stack, 'Gpus', {
          vpc: new ec2.Vpc(stack, 'Vpc'),
          instanceTypes: [new ec2.InstanceType('g4dn.xlarge')],
          useOptimalInstanceClasses: false,
          images: [{ imageType: batch.EcsMachineImageType.ECS_AL2 }],
        });
        const environment = new BatchEnvironment(stack, 'Env', { computeEnvironments: [computeEnvironment], platform: Platform.EC2 });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, gpu: 1 }) });
      })).toContain(`[Default/Workflow/SubmitJob] \`jobDefinition\` reserves 1 GPU, ${noGpuAmi('ECS_AL2', '')}`);
    });

    test.each<[string, () => Capacity[]]>([
      ['GPU capacity', () => [Capacity.ec2OnDemand({ gpu: true })]],
      ['GPU capacity of instance types of its own', () => [Capacity.ec2OnDemand({ gpu: true, instanceTypes: [new ec2.InstanceType('g5.xlarge')] })]],
      ['GPU capacity first, then default classes', () => [Capacity.ec2Spot({ gpu: true }), Capacity.ec2OnDemand()]],
    ])('in a queue with %s passes', (_, capacity) => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: capacity() });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, gpu: 1 }) });
      })).toEqual('no error');
    });

    test('a compute environment of your own with an AMI of its own is not judged', () => {
      expect(synthError((stack) => {
        const vpc = new ec2.Vpc(stack, 'Vpc');
        const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(stack, 'Gpus', {
          vpc,
          instanceTypes: [new ec2.InstanceType('g5.xlarge')],
          useOptimalInstanceClasses: false,
          images: [{ image: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }), imageType: batch.EcsMachineImageType.ECS_AL2023 }],
        });
        const environment = new BatchEnvironment(stack, 'Env', { computeEnvironments: [computeEnvironment], platform: Platform.EC2 });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, gpu: 1 }) });
      })).toEqual('no error');
    });

    test('none in a job definition of your own (gpu 0) passes', () => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
        const jobDefinition = new batch.EcsJobDefinition(stack, 'Definition', {
          container: new batch.EcsEc2ContainerDefinition(stack, 'Container', { image, cpu: 1, memory: Size.gibibytes(2), gpu: 0 }),
        });
        new BatchWorkflow(stack, 'Workflow', {
          definition: new SubmitJob(stack, 'Submit', { jobQueue: environment.jobQueue, jobDefinition, jobName: 'run' }),
        });
      })).toEqual('no error');
    });
  });

  describe('a job that needs more vCPUs than its queue has', () => {
    test.each<[string, (stack: Stack) => void, string]>([
      ['a job definition', (stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.fargate({ maxvCpus: 4 })] });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, cpu: 8, memory: Size.gibibytes(16) }) });
      }, '`jobDefinition` reserves 8 vCPUs'],
      ['container overrides', (stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2Spot({ maxvCpus: 2 }), Capacity.ec2OnDemand({ maxvCpus: 4 })] });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image }), containerOverrides: { vcpus: 6 } });
      }, '`containerOverrides.vcpus` asks for 6 vCPUs'],
    ])('fails, for %s', (_, build, asked) => {
      expect(synthError(build)).toContain(`[Default/Workflow/SubmitJob] ${asked}, but the job queue's compute environments have at most `
        + '4 (`maxvCpus`): Batch cannot place the job, and it waits in RUNNABLE. Raise the capacity\'s `maxvCpus`, or give the job fewer vCPUs');
    });

    test('as many as the largest environment has passes', () => {
      expect(synthError((stack) => {
        const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2Spot({ maxvCpus: 2 }), Capacity.ec2OnDemand({ maxvCpus: 4 })] });
        new BatchWorkflow(stack, 'Workflow', { job: new BatchJob(stack, 'Job', { environment, image, cpu: 4 }) });
      })).toEqual('no error');
    });
  });

  test('container overrides that Fargate allows pass', () => {
    expect(synthError((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      new BatchWorkflow(stack, 'Workflow', {
        job: new BatchJob(stack, 'Job', { environment, image }),
        containerOverrides: { vcpus: 4, memory: Size.gibibytes(8) },
      });
    })).toEqual('no error');
  });

  test('queues and definitions from elsewhere are not checked', () => {
    expect(synthError((stack) => {
      const queue = batch.JobQueue.fromJobQueueArn(stack, 'Queue', 'arn:aws:batch:us-east-1:111122223333:job-queue/q');
      const environment = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
      const job = new BatchJob(stack, 'Job', { environment, image });
      new BatchWorkflow(stack, 'Workflow', {
        definition: new SubmitJob(stack, 'Submit', { jobQueue: queue, jobDefinition: job.jobDefinition, jobName: 'run', shareIdentifier: 'teamA' }),
      });
    })).toEqual('no error');
  });
});

test.each([
  ['My Workflow.v2', 'My-Workflow-v2'],
  ['_Nightly', 'Nightly'],
  ['-.Nightly', 'Nightly'],
  ['..', 'job'],
  ['W'.repeat(130), 'W'.repeat(128)],
])('the default job name is the construct id, made a valid job name: %s', (id, jobName) => {
  const { stack, job } = setUp();
  new BatchWorkflow(stack, id, { job });
  expect(stateMachineDefinition(stack).States.SubmitJob.Parameters.JobName).toEqual(jobName);
});

describe('composition', () => {
  test('grants pass through to the state machine', () => {
    const { stack, job } = setUp();
    const wf = new BatchWorkflow(stack, 'Workflow', { job });
    const user = new iam.User(stack, 'User');
    wf.grantStartExecution(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.stringLikeRegexp('^User') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: Match.stringLikeRegexp('^Workflow') } }] },
    });
  });

  test('the state machine role may submit the job definitions of the environment, by its name prefix', () => {
    const { template, environment } = workflow();
    expect(environment.jobDefinitionNamePrefix).toMatch(/^Default-Env-[0-9a-f]{8}-$/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: 'batch:SubmitJob',
          Resource: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^EnvJobQueue'), 'JobQueueArn'] },
            {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
                `:job-definition/${environment.jobDefinitionNamePrefix}*`]],
            },
            {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':job/*']],
            },
          ],
        }]),
      },
    });
  });

  test('a job definition named outside the environment\'s prefix is granted by its own name, and the prefix is not', () => {
    const { stack, environment } = setUp();
    const job = new BatchJob(stack, 'Named', { environment, image: ecs.ContainerImage.fromRegistry('busybox'), jobDefinitionName: 'train_model-1' });
    new BatchWorkflow(stack, 'Workflow', { job });
    const arn = (resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, resource]],
    });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^WorkflowRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((statement) => statement.Action === 'batch:SubmitJob')).toEqual([{
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        { 'Fn::GetAtt': [expect.stringMatching(/^EnvJobQueue/), 'JobQueueArn'] },
        arn(':job-definition/train_model-1'),
        arn(':job-definition/train_model-1:*'),
        arn(':job/*'),
      ],
    }]);
  });

  test('the role policy does not grow with the number of jobs of an environment', () => {
    const policyLength = (jobs: number) => {
      const { stack, environment } = setUp();
      let chain: sfn.IChainable & sfn.INextable | undefined;
      let start: sfn.IChainable | undefined;
      for (let i = 0; i < jobs; i++) {
        const job = new BatchJob(stack, `Job${i}`, { environment, image: ecs.ContainerImage.fromRegistry('busybox') });
        const task = new SubmitJob(stack, `Task${i}`, { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: `j${i}` });
        if (chain) { chain.next(task); } else { start = task; }
        chain = task;
      }
      new BatchWorkflow(stack, 'Workflow', { definition: start! });
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^WorkflowRole') }] },
      });
      return JSON.stringify(Object.values(policies).map((p) => p.Properties.PolicyDocument)).length;
    };
    expect(policyLength(30)).toEqual(policyLength(2));
  });

  describe('a job definition of another stack', () => {
    const image = ecs.ContainerImage.fromRegistry('busybox');
    /** The SubmitJob parameters of the state machine of `stack` whose logical ID starts with `id`. */
    const submitted = (stack: Stack, id: string, state: string) => {
      const definitions = Object.entries(stateMachineDefinitions(Template.fromStack(stack).toJSON()));
      const [, definition] = definitions.find(([logicalId]) => logicalId.startsWith(id))!;
      return (definition.States[state] ?? definition.States.Run.Branches[0].States[state]).Parameters;
    };
    const exportsOf = (stack: Stack) => JSON.stringify(Object.values(Template.fromStack(stack).findOutputs('*')).map((output) => output.Value));
    /** An app with a stack `Batch` of an environment and its job `Train`. */
    const jobStack = (env?: { account: string; region: string }) => {
      const app = new App();
      const batchStack = new Stack(app, 'Batch', { env });
      const environment = new BatchEnvironment(batchStack, 'Env');
      return { app, batchStack, environment, job: new BatchJob(batchStack, 'Train', { environment, image }) };
    };

    test('is submitted by name: no export of a revision, which CloudFormation would not let change', () => {
      const { app, batchStack, job } = jobStack();
      const workflowStack = new Stack(app, 'Workflow');
      new BatchWorkflow(workflowStack, 'Workflow', { job });
      new BatchWorkflow(batchStack, 'Local', { job });

      expect(submitted(workflowStack, 'Workflow', 'SubmitJob').JobDefinition).toEqual(job.jobDefinitionName);
      expect(submitted(workflowStack, 'Workflow', 'SubmitJob').JobQueue).toMatch(/^\{\{Import:Batch:ExportsOutputFnGetAttEnvJobQueue/);
      // The queue's ARN is exported (it does not change); the job definition's Ref, which names a revision, is not.
      expect(exportsOf(batchStack)).toMatch(/"Fn::GetAtt":\["EnvJobQueue[0-9A-F]{8}","JobQueueArn"\]/);
      expect(exportsOf(batchStack)).not.toMatch(/"Ref":"Train/);
      // In the job's own stack, the task names the revision it was deployed with.
      expect(submitted(batchStack, 'Local', 'SubmitJob').JobDefinition).toMatch(/^\{\{Ref:Train[0-9A-F]{8}\}\}$/);
    });

    test('by name, the state machine\'s stack still deploys after the job\'s, as it would with an import; not across stages, nor when that makes a cycle', () => {
      const byName = (workflowStack: Stack, job: BatchJob) => new BatchWorkflow(workflowStack, 'Workflow', {
        definition: new SubmitJob(workflowStack, 'Submit', { jobQueueTarget: JobQueueTarget.fromName('q'), jobDefinition: job.jobDefinition, jobName: 'x' }),
      });
      const { app, batchStack, job } = jobStack();
      const workflowStack = new Stack(app, 'Workflow');
      byName(workflowStack, job);
      // Nothing else ties the stacks: the queue is named, and the job definition too.
      expect(exportsOf(batchStack)).toEqual('[]');
      expect(app.synth().getStackByName('Workflow').dependencies.map((d) => d.id)).toEqual(['Batch', 'Workflow.assets']);

      // The job's stack that reads the state machine's ARN deploys first: no dependency back, no cycle.
      const { app: cyclicApp, batchStack: readsArn, job: itsJob } = jobStack();
      const named = byName(new Stack(cyclicApp, 'Workflow'), itsJob);
      new CfnOutput(readsArn, 'StateMachine', { value: named.stateMachine.stateMachineArn });
      const cyclic = cyclicApp.synth();
      expect(cyclic.getStackByName('Batch').dependencies.map((d) => d.id)).toEqual(['Workflow', 'Batch.assets']);
      expect(cyclic.getStackByName('Workflow').dependencies.map((d) => d.id)).toEqual(['Workflow.assets']);

      const stagedApp = new App();
      const producer = new Stack(new Stage(stagedApp, 'One'), 'Batch');
      const stagedJob = new BatchJob(producer, 'Train', { environment: new BatchEnvironment(producer, 'Env'), image });
      const consumer = new Stack(new Stage(stagedApp, 'Two'), 'Workflow');
      byName(consumer, stagedJob);
      const two = stagedApp.synth().getNestedAssembly('assembly-Two');
      expect(two.getStackByName('Two-Workflow').dependencies.map((d) => d.id)).toEqual([expect.stringMatching(/\.assets$/)]);
      expect(submitted(consumer, 'Workflow', 'Submit').JobDefinition).toEqual(stagedJob.jobDefinitionName);
    });

    test('what decides is the stack of the state machine, not that of the task', () => {
      const { app, batchStack, environment, job } = jobStack();
      const workflowStack = new Stack(app, 'Workflow');
      // A task of the job's stack in a workflow of another, and a task of another stack in a workflow of the job's.
      const there = new SubmitJob(batchStack, 'There', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'there' });
      new BatchWorkflow(workflowStack, 'Remote', { definition: there });
      const here = new SubmitJob(workflowStack, 'Here', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'here' });
      new BatchWorkflow(batchStack, 'Local', { definition: here });

      expect(submitted(workflowStack, 'Remote', 'There').JobDefinition).toEqual(job.jobDefinitionName);
      expect(submitted(batchStack, 'Local', 'Here').JobDefinition).toMatch(/^\{\{Ref:Train[0-9A-F]{8}\}\}$/);
      expect(exportsOf(batchStack)).not.toMatch(/"Ref":"Train/);
    });

    test('in a nested stack, is passed as a parameter: the revision, as in its own stack', () => {
      const { batchStack, job } = jobStack();
      const nested = new NestedStack(batchStack, 'Workflows');
      new BatchWorkflow(nested, 'Workflow', { job });
      const parameters = Template.fromStack(batchStack).findResources('AWS::CloudFormation::Stack');
      expect(JSON.stringify(parameters)).toMatch(/"Ref":"Train[0-9A-F]{8}"/);
      expect(submitted(nested, 'Workflow', 'SubmitJob').JobDefinition).toMatch(/^\{\{Ref:referencetoBatchTrain/);
    });

    test('in another region, is not named alone (a name is looked up in the region of the state machine): its ARN there', () => {
      const { app, job } = jobStack({ account: '111111111111', region: 'eu-west-1' });
      const workflowStack = new Stack(app, 'Workflow', { env: { account: '111111111111', region: 'us-east-1' } });
      new BatchWorkflow(workflowStack, 'Workflow', {
        definition: new SubmitJob(workflowStack, 'Remote', { jobQueueTarget: JobQueueTarget.fromName('q'), jobDefinition: job.jobDefinition, jobName: 'y' }),
      });
      // aws-cdk-lib renders a named resource of another environment by the ARN its name gives.
      expect(submitted(workflowStack, 'Workflow', 'Remote').JobDefinition)
        .toEqual(`arn:aws:batch:eu-west-1:111111111111:job-definition/${job.jobDefinitionName}`);
    });
  });

  test('every created resource is exposed', () => {
    const { wf } = workflow({ createNotificationTopic: true });
    expect(wf.stateMachine).toBeDefined();
    expect(wf.logGroup).toBeInstanceOf(logs.LogGroup);
    expect(wf.submitJob).toBeInstanceOf(SubmitJob);
    expect(wf.grantPrincipal).toBe(wf.stateMachine.role);
  });
});

describe('guards', () => {
  test('the workflow runs the AWS limit guards at synth: a stack over 500 resources fails', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new BatchWorkflow(stack, 'Workflow', { definition: new sfn.Pass(stack, 'Start'), alarms: false });
    const count = stack.node.findAll().filter((c) => c instanceof CfnResource).length;
    for (let i = count; i <= 500; i++) { new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' }); }
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:[\s\S]*Stack Stack declares 501 resources, over the CloudFormation limit of 500 per stack/);
  });
});
