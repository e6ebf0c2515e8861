import { Duration, Lazy, Size, Stack, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { JobDefinitionTarget, JobDependencyType, JobOutput, JobQueueTarget, SubmitJob } from '../src';
import * as seed from './fixtures/connect-batch-seed.json';
import { stateMachineDefinition } from './util';

const seedTarget = {
  jobQueueTarget: JobQueueTarget.fromName('SecondaryQueue'),
  jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
};

describe('the seed: connect-batch.md', () => {
  test('the state machine definition deep-equals the documented Task state', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'BATCH_JOB', {
      ...seedTarget,
      jobName: 'PreprocessingBatchJob',
      parameters: sfn.TaskInput.fromJsonPathAt('$.batchjob.parameters'),
      containerOverrides: { vcpus: 4 },
    });
    new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(task) });

    const { default: _, ...expected } = seed as any;
    expect(stateMachineDefinition(stack)).toEqual(expected);
  });
});

describe('rendering', () => {
  test('every SubmitJob parameter, static', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...seedTarget,
      jobName: 'all-of-it',
      parameters: sfn.TaskInput.fromObject({ input: 's3://bucket/in' }),
      arraySize: 10,
      containerOverrides: {
        command: ['python', 'run.py', 'Ref::input'],
        environment: { STAGE: 'prod' },
        vcpus: 2,
        memory: Size.gibibytes(4),
        gpuCount: 1,
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE),
      },
      dependsOn: [{ jobId: 'job-1' }, { jobId: 'job-2', type: JobDependencyType.N_TO_N }],
      attempts: 3,
      evaluateOnExit: [
        { action: batch.Action.RETRY, onStatusReason: 'Host EC2*' },
        { action: batch.Action.EXIT, onExitCode: '*', onReason: 'CannotPullContainerError*' },
      ],
      attemptTimeout: Duration.minutes(30),
      tags: { team: 'ml' },
      propagateTags: true,
      shareIdentifier: 'blue',
      schedulingPriorityOverride: 50,
      taskTimeout: sfn.Timeout.duration(Duration.hours(2)),
    });

    expect(stack.resolve(task.toStateJson())).toEqual({
      Type: 'Task',
      End: true,
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::batch:submitJob.sync']] },
      TimeoutSeconds: 7200,
      Parameters: {
        JobDefinition: 'preprocessing',
        JobName: 'all-of-it',
        JobQueue: 'SecondaryQueue',
        Parameters: { input: 's3://bucket/in' },
        ArrayProperties: { Size: 10 },
        ContainerOverrides: {
          Command: ['python', 'run.py', 'Ref::input'],
          Environment: [{ Name: 'STAGE', Value: 'prod' }],
          InstanceType: 'g5.xlarge',
          ResourceRequirements: [
            { Type: 'VCPU', Value: '2' },
            { Type: 'MEMORY', Value: '4096' },
            { Type: 'GPU', Value: '1' },
          ],
        },
        DependsOn: [{ JobId: 'job-1' }, { JobId: 'job-2', Type: 'N_TO_N' }],
        RetryStrategy: {
          Attempts: 3,
          EvaluateOnExit: [
            { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
            { Action: 'EXIT', OnExitCode: '*', OnReason: 'CannotPullContainerError*' },
          ],
        },
        Timeout: { AttemptDurationSeconds: 1800 },
        Tags: { team: 'ml' },
        PropagateTags: true,
        ShareIdentifier: 'blue',
        SchedulingPriorityOverride: 50,
      },
    });
  });

  test('every parameter from the state input (JSONPath)', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      jobQueueTarget: JobQueueTarget.fromJsonPath('$.queue'),
      jobDefinitionTarget: JobDefinitionTarget.fromJsonPath('$.definition'),
      jobName: sfn.JsonPath.stringAt('$.name'),
      parameters: sfn.TaskInput.fromJsonPathAt('$.parameters'),
      arraySize: sfn.JsonPath.numberAt('$.size'),
      containerOverrides: {
        command: sfn.JsonPath.listAt('$.command'),
        environment: { STAGE: sfn.JsonPath.stringAt('$.stage') },
        vcpus: sfn.JsonPath.numberAt('$.vcpus'),
        instanceType: new ec2.InstanceType(sfn.JsonPath.stringAt('$.instanceType')),
      },
      dependsOn: [{ jobId: sfn.JsonPath.stringAt('$.previous.JobId') }],
      attempts: sfn.JsonPath.numberAt('$.attempts'),
      attemptTimeout: Duration.seconds(sfn.JsonPath.numberAt('$.timeout')),
      tags: { run: sfn.JsonPath.executionName },
      shareIdentifier: sfn.JsonPath.stringAt('$.share'),
      schedulingPriorityOverride: sfn.JsonPath.numberAt('$.priority'),
    });

    expect(stack.resolve(task.toStateJson())).toEqual(expect.objectContaining({
      Parameters: {
        'JobDefinition.$': '$.definition',
        'JobName.$': '$.name',
        'JobQueue.$': '$.queue',
        'Parameters.$': '$.parameters',
        'ArrayProperties': { 'Size.$': '$.size' },
        'ContainerOverrides': {
          'Command.$': '$.command',
          'Environment': [{ 'Name': 'STAGE', 'Value.$': '$.stage' }],
          'InstanceType.$': '$.instanceType',
          'ResourceRequirements': [{ 'Type': 'VCPU', 'Value.$': "States.Format('{}', $.vcpus)" }],
        },
        'DependsOn': [{ 'JobId.$': '$.previous.JobId' }],
        'RetryStrategy': { 'Attempts.$': '$.attempts' },
        'Timeout': { 'AttemptDurationSeconds.$': '$.timeout' },
        'Tags': { 'run.$': '$$.Execution.Name' },
        'ShareIdentifier.$': '$.share',
        'SchedulingPriorityOverride.$': '$.priority',
      },
    }));
  });

  test('resource amounts computed by intrinsic functions are rendered whole, as strings', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...seedTarget,
      jobName: 'computed',
      containerOverrides: {
        // The intrinsics are typed as strings: Token.asNumber, as a user writes it.
        vcpus: Token.asNumber(sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.baseCpus'), sfn.JsonPath.numberAt('$.extraCpus'))),
        memory: Size.mebibytes(Token.asNumber(sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.shards')))),
        gpuCount: Token.asNumber(sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.gpus'), 1)),
      },
    });
    expect(stack.resolve(task.toStateJson()).Parameters.ContainerOverrides).toEqual({
      ResourceRequirements: [
        { 'Type': 'VCPU', 'Value.$': "States.Format('{}', States.MathAdd($.baseCpus, $.extraCpus))" },
        { 'Type': 'MEMORY', 'Value.$': "States.Format('{}', States.ArrayLength($.shards))" },
        { 'Type': 'GPU', 'Value.$': "States.Format('{}', States.MathAdd($.gpus, 1))" },
      ],
    });
  });

  test('JSONata renders Arguments with the same content as the JSONPath form', () => {
    const options = {
      ...seedTarget,
      jobName: 'PreprocessingBatchJob',
      arraySize: 4,
      containerOverrides: { vcpus: 4, environment: { STAGE: 'prod' } },
      attempts: 2,
      tags: { team: 'ml' },
    };
    const stack = new Stack();
    const jsonPath = SubmitJob.jsonPath(stack, 'JsonPath', options);
    const jsonata = SubmitJob.jsonata(stack, 'Jsonata', options);

    const pathState = stack.resolve(jsonPath.toStateJson());
    const jsonataState = stack.resolve(jsonata.toStateJson());
    expect(jsonataState.QueryLanguage).toEqual('JSONata');
    expect(jsonataState.Parameters).toBeUndefined();
    expect(jsonataState.Arguments).toEqual(pathState.Parameters);
    expect(jsonataState.Resource).toEqual(pathState.Resource);
  });

  test('JSONata expressions from the state input render as written', () => {
    const stack = new Stack();
    const task = SubmitJob.jsonata(stack, 'Task', {
      jobQueueTarget: JobQueueTarget.fromJsonata('{% $states.input.queue %}'),
      jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
      jobName: '{% $states.input.name %}',
      parameters: sfn.TaskInput.fromText('{% $states.input.batchjob.parameters %}'),
      arraySize: Token.asNumber('{% $states.input.size %}'),
    });

    expect(stack.resolve(task.toStateJson())).toEqual(expect.objectContaining({
      QueryLanguage: 'JSONata',
      Arguments: {
        JobDefinition: 'preprocessing',
        JobName: '{% $states.input.name %}',
        JobQueue: '{% $states.input.queue %}',
        Parameters: '{% $states.input.batchjob.parameters %}',
        ArrayProperties: { Size: '{% $states.input.size %}' },
      },
    }));
  });

  test('resource amounts from JSONata are turned into the strings Batch takes', () => {
    const stack = new Stack();
    const task = SubmitJob.jsonata(stack, 'Task', {
      ...seedTarget,
      jobName: 'job',
      containerOverrides: { vcpus: Token.asNumber('{% $states.input.cpu %}'), gpuCount: 1 },
    });
    expect(stack.resolve(task.toStateJson()).Arguments.ContainerOverrides.ResourceRequirements).toEqual([
      { Type: 'VCPU', Value: '{% $string($states.input.cpu) %}' },
      { Type: 'GPU', Value: '1' },
    ]);
  });

  test('a deploy-time resource amount stays a reference', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', { ...seedTarget, jobName: 'job', containerOverrides: { vcpus: Token.asNumber({ Ref: 'Cpu' }) } });
    expect(stack.resolve(task.toStateJson()).Parameters.ContainerOverrides.ResourceRequirements).toEqual([
      { Type: 'VCPU', Value: { Ref: 'Cpu' } },
    ]);
  });

  test('compact output: only the fields every finished job has, unless the definition logs with awslogs', () => {
    const stack = new Stack();
    const imported = new SubmitJob(stack, 'Imported', { ...seedTarget, jobName: 'job', output: JobOutput.COMPACT });
    const array = new SubmitJob(stack, 'Array', { ...seedTarget, jobName: 'job', arraySize: 4, output: JobOutput.COMPACT });
    const jsonata = SubmitJob.jsonata(stack, 'Jsonata', { ...seedTarget, jobName: 'job', output: JobOutput.COMPACT });
    const requestResponse = new SubmitJob(stack, 'Fire', { ...seedTarget, jobName: 'job', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE });
    // A BatchWorkflow's default reaches request-response tasks too, and leaves their output as it is.
    requestResponse._setDefaultOutput(JobOutput.COMPACT);

    expect(stack.resolve(imported.toStateJson()).ResultSelector).toEqual({ 'JobId.$': '$.JobId', 'JobName.$': '$.JobName', 'Status.$': '$.Status' });
    expect(stack.resolve(array.toStateJson()).ResultSelector).toEqual({
      'JobId.$': '$.JobId',
      'JobName.$': '$.JobName',
      'Status.$': '$.Status',
      'ArraySize.$': '$.ArrayProperties.Size',
      'StatusSummary.$': '$.ArrayProperties.StatusSummary',
    });
    expect(stack.resolve(jsonata.toStateJson()).Output).toEqual("{% { 'JobId': $states.result.JobId, 'JobName': $states.result.JobName, "
      + "'Status': $states.result.Status, 'StatusReason': $states.result.StatusReason, 'Attempts': $count($states.result.Attempts), "
      + "'LogStreamName': $states.result.Container.LogStreamName } %}");
    expect(stack.resolve(requestResponse.toStateJson()).ResultSelector).toBeUndefined();
  });

  test('a state machine whose top-level query language is JSONata renders Arguments', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', { ...seedTarget, jobName: 'job' });
    expect(stack.resolve(task.toStateJson(sfn.QueryLanguage.JSONATA))).toEqual(expect.objectContaining({
      Arguments: { JobDefinition: 'preprocessing', JobName: 'job', JobQueue: 'SecondaryQueue' },
    }));
  });

  test('a JSONata expression in a JSONPath state fails at synth', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', { ...seedTarget, jobName: '{% $states.input.name %}' });
    expect(() => task.toStateJson()).toThrow(
      'Default/Task: the state uses JSONPath, so values from the state input must be sfn.JsonPath references '
      + '(or create the task with SubmitJob.jsonata), got JSONata {% $states.input.name %} in JobName');
  });

  test('a JSONata expression in a JSONPath state fails beside a job queue and definition of the app', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const computeEnvironment = new batch.FargateComputeEnvironment(stack, 'Compute', { vpc });
    const jobQueue = new batch.JobQueue(stack, 'Queue', { computeEnvironments: [{ computeEnvironment, order: 1 }] });
    const jobDefinition = new batch.EcsJobDefinition(stack, 'Definition', {
      container: new batch.EcsFargateContainerDefinition(stack, 'Container', {
        image: ecs.ContainerImage.fromRegistry('busybox'), cpu: 1, memory: Size.gibibytes(2),
      }),
    });
    const task = new SubmitJob(stack, 'Task', { jobQueue, jobDefinition, jobName: '{% $states.input.name %}' });
    expect(() => task.toStateJson()).toThrow('got JSONata {% $states.input.name %} in JobName');
  });

  test.each([
    ['queue', (stack: Stack, value: string) => ({
      jobQueue: batch.JobQueue.fromJobQueueArn(stack, 'Queue', value),
      jobDefinitionTarget: JobDefinitionTarget.fromName('prep'),
    }), 'JobQueue'],
    ['definition', (stack: Stack, value: string) => ({
      jobQueueTarget: JobQueueTarget.fromName('Main'),
      jobDefinition: batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Definition', value),
    }), 'JobDefinition'],
  ])('an imported job %s whose ARN resolves to JSONata fails in a JSONPath state', (_, targets, parameter) => {
    const stack = new Stack();
    const jsonata = Lazy.string({ produce: () => '{% $states.input.target %}' });
    const task = new SubmitJob(stack, 'Task', { ...targets(stack, jsonata), jobName: 'job' });
    expect(() => task.toStateJson()).toThrow(`got JSONata {% $states.input.target %} in ${parameter}`);
  });

  test.each([
    ['a number', { arraySize: Token.asNumber('{% $states.input.size %}') }, '{% $states.input.size %} in ArrayProperties'],
    ['a resource amount', { containerOverrides: { vcpus: Token.asNumber('{% $states.input.cpu %}') } },
      '{% $string($states.input.cpu) %} in ContainerOverrides'],
    ['a duration', { attemptTimeout: Duration.seconds(Token.asNumber('{% $states.input.timeout %}')) }, '{% $states.input.timeout %} in Timeout'],
  ])('a JSONata expression for %s in a JSONPath state fails at synth', (_, props, found) => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', { ...seedTarget, jobName: 'job', ...props });
    expect(() => task.toStateJson()).toThrow(
      'Default/Task: the state uses JSONPath, so values from the state input must be sfn.JsonPath references '
      + `(or create the task with SubmitJob.jsonata), got JSONata ${found}`);
  });

  test('a SEQUENTIAL dependency of an array job on itself names no job; empty tags render no Tags', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...seedTarget, jobName: 'job', arraySize: 3, dependsOn: [{ type: JobDependencyType.SEQUENTIAL }], tags: {},
    });
    const parameters = stack.resolve(task.toStateJson()).Parameters;
    expect(parameters.DependsOn).toEqual([{ Type: 'SEQUENTIAL' }]);
    expect(parameters).not.toHaveProperty('Tags');
  });

  test('a JSONPath reference in a JSONata state fails at synth', () => {
    const stack = new Stack();
    const task = SubmitJob.jsonata(stack, 'Task', { ...seedTarget, jobName: sfn.JsonPath.stringAt('$.name') });
    expect(() => task.toStateJson()).toThrow(/the state uses JSONata, so values from the state input must be JSONata expressions such as '\{% \$states.input.x %\}', got JSONPath \$.name in JobName$/);
  });

  test('request-response submits without waiting', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...seedTarget, jobName: 'job', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    });
    expect(stack.resolve(task.toStateJson())).toEqual(expect.objectContaining({
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::batch:submitJob']] },
    }));
    expect(task.integrationPattern).toEqual(sfn.IntegrationPattern.REQUEST_RESPONSE);
  });

  test('the state timeout and the Batch attempt timeout are separate', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...seedTarget,
      jobName: 'job',
      attemptTimeout: Duration.minutes(10),
      taskTimeout: sfn.Timeout.duration(Duration.hours(6)),
    });
    const state = stack.resolve(task.toStateJson());
    expect(state.TimeoutSeconds).toEqual(21600);
    expect(state.Parameters.Timeout).toEqual({ AttemptDurationSeconds: 600 });
  });

  test('constructs render their ARNs', () => {
    const stack = new Stack();
    const jobQueue = batch.JobQueue.fromJobQueueArn(stack, 'Queue', 'arn:aws:batch:us-east-1:111122223333:job-queue/Main');
    const jobDefinition = batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Definition',
      'arn:aws:batch:us-east-1:111122223333:job-definition/prep:3');
    const task = new SubmitJob(stack, 'Task', { jobQueue, jobDefinition, jobName: 'job' });
    expect(stack.resolve(task.toStateJson()).Parameters).toEqual({
      JobDefinition: 'arn:aws:batch:us-east-1:111122223333:job-definition/prep:3',
      JobName: 'job',
      JobQueue: 'arn:aws:batch:us-east-1:111122223333:job-queue/Main',
    });
  });
});
