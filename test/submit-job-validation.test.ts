import { CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { JobDefinitionTarget, JobDependencyType, JobOutput, JobQueueTarget, SubmitJob, SubmitJobProps } from '../src';

const target = {
  jobQueueTarget: JobQueueTarget.fromName('SecondaryQueue'),
  jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
};

function submit(props: Partial<SubmitJobProps>) {
  return () => new SubmitJob(new Stack(), 'Task', { ...target, jobName: 'job', ...props } as SubmitJobProps);
}

const many = (n: number) => Array.from({ length: n }, (_, i) => i);

const COMMAND_FROM_INPUT = '`containerOverrides.command` must be literal strings, the list at a JSONPath (sfn.JsonPath.listAt) or an '
  + 'array built from the state input (Token.asList(sfn.JsonPath.array(...))), since Step Functions reads no JSONPath inside a list';

describe('validation at synth: one failing case per rule', () => {
  test.each([
    ['jobName empty', { jobName: '' }, '`jobName` must be 1 to 128 characters long, got "" (0)'],
    ['jobName too long', { jobName: 'a'.repeat(129) }, `\`jobName\` must be 1 to 128 characters long, got "${'a'.repeat(129)}" (129)`],
    ['jobName characters', { jobName: 'my job' }, '`jobName` must start with a letter or number and contain only letters, numbers, hyphens and underscores, got "my job"'],
    ['jobName first character', { jobName: '-job' }, '`jobName` must start with a letter or number and contain only letters, numbers, hyphens and underscores, got "-job"'],
    ['arraySize too small', { arraySize: 1 }, '`arraySize` must be an integer between 2 and 10,000, got 1'],
    ['arraySize too large', { arraySize: 10_001 }, '`arraySize` must be an integer between 2 and 10,000, got 10001'],
    ['dependsOn over 20', { dependsOn: many(21).map((i) => ({ jobId: `j${i}` })) }, '`dependsOn` must have at most 20 entries (the AWS Batch limit of dependencies per job), got 21 entries. To wait for more jobs, depend on one job that itself depends on them, in groups of up to 20, or run them as one array job and depend on that'],
    ['attempts 0', { attempts: 0 }, '`attempts` must be an integer between 1 and 10, got 0'],
    ['attempts 11', { attempts: 11 }, '`attempts` must be an integer between 1 and 10, got 11'],
    ['evaluateOnExit over 5', { attempts: 2, evaluateOnExit: many(6).map(() => ({ action: batch.Action.EXIT, onExitCode: '1' })) },
      '`evaluateOnExit` must have at most 5 entries, got 6 entries'],
    ['evaluateOnExit pattern over 512', { attempts: 2, evaluateOnExit: [{ action: batch.Action.RETRY, onReason: 'x'.repeat(513) }] },
      /^`evaluateOnExit\[0\]\.onReason` must be 1 to 512 characters long, got "x+" \(513\)$/],
    ['evaluateOnExit exit code shape', { attempts: 2, evaluateOnExit: [{ action: batch.Action.RETRY, onExitCode: 'abc' }] },
      '`evaluateOnExit[0].onExitCode` must be digits, optionally ending with `*`, got "abc"'],
    ['evaluateOnExit reason with an inner *', { attempts: 2, evaluateOnExit: [{ action: batch.Action.RETRY, onReason: 'Host*EC2' }] },
      '`evaluateOnExit[0].onReason` must be letters, digits, periods, colons and white space, optionally ending with `*`, got "Host*EC2"'],
    ['evaluateOnExit status reason characters', { attempts: 2, evaluateOnExit: [{ action: batch.Action.RETRY, onStatusReason: 'Task-failed' }] },
      '`evaluateOnExit[0].onStatusReason` must be letters, digits, periods, colons and white space, optionally ending with `*`, got "Task-failed"'],
    ['evaluateOnExit without attempts', { evaluateOnExit: [{ action: batch.Action.RETRY, onExitCode: '1' }] },
      '`evaluateOnExit` needs `attempts`: Batch reads both from one retry strategy, got `evaluateOnExit` alone'],
    ['attemptTimeout under 60 s', { attemptTimeout: Duration.seconds(59) }, '`attemptTimeout` must be at least 60 seconds, got 59 seconds'],
    ['attemptTimeout not whole seconds', { attemptTimeout: Duration.millis(90_500) },
      '`attemptTimeout` must be a whole number of seconds, got 90,500 milliseconds'],
    ['vcpus not positive', { containerOverrides: { vcpus: 0 } }, '`containerOverrides.vcpus` must be positive, got 0'],
    ['memory not positive', { containerOverrides: { memory: Size.mebibytes(0) } }, '`containerOverrides.memory` must be at least 4 MiB, got 0 MiB'],
    ['memory under 4 MiB', { containerOverrides: { memory: Size.mebibytes(3) } }, '`containerOverrides.memory` must be at least 4 MiB, got 3 MiB'],
    ['memory from the state input in GiB', { containerOverrides: { memory: Size.gibibytes(sfn.JsonPath.numberAt('$.memory')) } },
      '`containerOverrides.memory` must be written Size.mebibytes(...) when its amount comes from the state input or is a token, got Size.gibibytes(...)'],
    ['command with an empty argument', { containerOverrides: { command: ['python', '', 'run.py'] } },
      '`containerOverrides.command` must not contain empty strings, which Batch rejects, got "" at index 1'],
    ['command with an argument from the state input', { containerOverrides: { command: ['python', sfn.JsonPath.stringAt('$.script')] } },
      `${COMMAND_FROM_INPUT}, got a JSONPath at index 1`],
    ['command with an argument joined to a JSONPath', { containerOverrides: { command: ['python', 'run.py', `--input=${sfn.JsonPath.stringAt('$.input')}`] } },
      `${COMMAND_FROM_INPUT}, got a JSONPath at index 2`],
    ['parameters as plain text', { parameters: sfn.TaskInput.fromText('input=s3://bucket/') },
      '`parameters` must be an object of strings (sfn.TaskInput.fromObject), an object of the state input (sfn.TaskInput.fromJsonPathAt) '
      + 'or, in a JSONata state, an expression (`{% ... %}`), got the text "input=s3://bucket/"'],
    ['a parameter that is no string', { parameters: sfn.TaskInput.fromObject({ input: 's3://bucket/', shards: 4 }) },
      '`parameters["shards"]` must be a string, since Batch\'s job parameters are strings, got 4'],
    ['a parameter that is a number of the state input', { parameters: sfn.TaskInput.fromObject({ shards: sfn.JsonPath.numberAt('$.shards') }) },
      '`parameters["shards"]` must be a string, since Batch\'s job parameters are strings: sfn.JsonPath.format(\'{}\', '
      + 'sfn.JsonPath.stringAt(PATH)) makes one of a number of the state input, Token.asString(...) of a deploy-time number, got a number token'],
    ['a parameter that is a list of the state input', { parameters: sfn.TaskInput.fromObject({ files: sfn.JsonPath.listAt('$.files') }) },
      '`parameters["files"]` must be a string, since Batch\'s job parameters are strings: sfn.JsonPath.jsonToString('
      + 'sfn.JsonPath.listAt(PATH)) makes one of a list of the state input, as JSON text, got a list token'],
    ['evaluateOnExit from the state input as a whole', { attempts: 3, evaluateOnExit: sfn.JsonPath.listAt('$.conditions') as any },
      '`evaluateOnExit` must be a list of conditions written in the app, got a list from the state input or a token'],
    ['environment from the state input as a whole', { containerOverrides: { environment: sfn.JsonPath.objectAt('$.env') as any } },
      '`containerOverrides.environment` must be a map of names to values written in the app (each value may come from the state input), '
      + 'got a map from the state input or a token'],
    ['container overrides longer than ECS takes', { containerOverrides: { environment: { BIG: 'x'.repeat(9_000) } } },
      '`containerOverrides` must have a command and environment of at most 8,192 characters as JSON, as ECS receives them (Batch adds '
      + 'variables of its own), or the job fails when it starts with "Container Overrides length must be at most 8192": pass large '
      + 'values in a file, such as an S3 object, got 9,056 characters'],
    ['dependsOn from the state input as a whole', { dependsOn: sfn.JsonPath.listAt('$.deps') as any },
      '`dependsOn` must be a list of dependencies written in the app (each `jobId` may come from the state input), got a list from the state input or a token'],
    ['a dependency without a job', { dependsOn: [{ type: JobDependencyType.N_TO_N }] },
      '`dependsOn[0].jobId` is required, but for a SEQUENTIAL dependency of an array job on itself, got none'],
    ['a SEQUENTIAL dependency on itself of a single job', { dependsOn: [{ type: JobDependencyType.SEQUENTIAL }] },
      '`dependsOn[0]` without `jobId` (SEQUENTIAL) makes each child of an array job wait for the one before it, so it needs `arraySize`, got a single job'],
    ['attemptTimeout from the state input in minutes', { attemptTimeout: Duration.minutes(sfn.JsonPath.numberAt('$.minutes')) },
      '`attemptTimeout` must be written Duration.seconds(...) when its amount comes from the state input or is a token, got Duration.minutes(...)'],
    ['memory not whole MiB', { containerOverrides: { memory: Size.kibibytes(1_500) } },
      '`containerOverrides.memory` must be a whole number of MiB, got 1,536,000 bytes'],
    ['gpuCount not positive', { containerOverrides: { gpuCount: -1 } }, '`containerOverrides.gpuCount` must be an integer of at least 1, got -1'],
    ['gpuCount not whole', { containerOverrides: { gpuCount: 0.5 } }, '`containerOverrides.gpuCount` must be an integer of at least 1, got 0.5'],
    ['shareIdentifier empty', { shareIdentifier: '' }, '`shareIdentifier` must be 1 to 255 letters and digits, optionally followed by `*`, got ""'],
    ['shareIdentifier characters', { shareIdentifier: 'team-a' },
      '`shareIdentifier` must be 1 to 255 letters and digits, optionally followed by `*`, got "team-a"'],
    ['shareIdentifier too long', { shareIdentifier: 'a'.repeat(256) },
      `\`shareIdentifier\` must be 1 to 255 letters and digits, optionally followed by \`*\`, got "${'a'.repeat(256)}"`],
    ['environment AWS_BATCH', { containerOverrides: { environment: { AWS_BATCH_JOB_ID: 'x' } } },
      '`containerOverrides.environment` must not have names starting with AWS_BATCH, which Batch reserves, got "AWS_BATCH_JOB_ID"'],
    ['tags over 50', { tags: Object.fromEntries(many(51).map((i) => [`k${i}`, 'v'])) }, '`tags` must have at most 50 entries, got 51 entries'],
    ['tag key too long', { tags: { ['k'.repeat(129)]: 'v' } }, /^`tags` keys must be 1 to 128 characters long, got "k+" \(129\)$/],
    ['tag key aws:', { tags: { 'aws:owner': 'v' } }, '`tags` must not have keys starting with aws:, which AWS reserves, got "aws:owner"'],
    ['tag value too long', { tags: { team: 'v'.repeat(257) } }, /^`tags\["team"\]` must be 0 to 256 characters long, got "v+" \(257\)$/],
    // Lengths count characters, as AWS does, not UTF-16 units: each emoji is one character, not two.
    ['tag key of emoji too long', { tags: { ['\u{1F600}'.repeat(129)]: 'v' } }, /^`tags` keys must be 1 to 128 characters long, got "\u{1F600}+" \(129\)$/u],
    ['tag value of emoji too long', { tags: { team: '\u{1F600}'.repeat(257) } },
      /^`tags\["team"\]` must be 0 to 256 characters long, got "\u{1F600}+" \(257\)$/u],
    ['schedulingPriorityOverride over 9999', { schedulingPriorityOverride: 10_000 },
      '`schedulingPriorityOverride` must be an integer between 0 and 9,999, got 10000'],
    ['schedulingPriorityOverride negative', { schedulingPriorityOverride: -1 },
      '`schedulingPriorityOverride` must be an integer between 0 and 9,999, got -1'],
    ['job queue given twice', { jobQueue: batch.JobQueue.fromJobQueueArn(new Stack(), 'Q', 'arn:aws:batch:us-east-1:111122223333:job-queue/q') },
      'Give only one of `jobQueue` and `jobQueueTarget`, got both'],
    ['job queue not given', { jobQueueTarget: undefined },
      'Give one of `jobQueue` (a construct) and `jobQueueTarget` (by name, by ARN, or from the state input), got neither'],
    ['job definition given twice', {
      jobDefinition: batch.EcsJobDefinition.fromJobDefinitionArn(new Stack(), 'D', 'arn:aws:batch:us-east-1:111122223333:job-definition/d:1'),
    }, 'Give only one of `jobDefinition` and `jobDefinitionTarget`, got both'],
    ['job definition not given', { jobDefinitionTarget: undefined },
      'Give one of `jobDefinition` (a construct) and `jobDefinitionTarget` (by name, by ARN, or from the state input), got neither'],
    ['callback pattern', { integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN },
      '`integrationPattern` must be RUN_JOB (.sync) or REQUEST_RESPONSE, got WAIT_FOR_TASK_TOKEN: the AWS Batch integration of Step Functions does not support the callback pattern'],
    ['compact output without waiting for the job', { integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE, output: JobOutput.COMPACT },
      '`output` must be FULL or not given with integrationPattern REQUEST_RESPONSE, which outputs the job\'s ARN, name and ID as SubmitJob '
      + 'returns them: COMPACT selects from the finished job, which only RUN_JOB (.sync) waits for, got COMPACT'],
  ])('%s', (_, props, message) => {
    expect(submit(props as Partial<SubmitJobProps>)).toThrow(message);
  });

  test('numbers and lists made strings, as the errors say, are accepted and rendered as strings', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      ...target,
      jobName: 'job',
      parameters: sfn.TaskInput.fromObject({
        shards: sfn.JsonPath.format('{}', sfn.JsonPath.stringAt('$.shards')),
        files: sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.files')),
        retries: Token.asString(new CfnParameter(stack, 'Retries', { type: 'Number' }).valueAsNumber),
      }),
    });
    expect(stack.resolve(task.toStateJson()).Parameters.Parameters).toEqual({
      'shards.$': "States.Format('{}', $.shards)",
      'files.$': 'States.JsonToString($.files)',
      'retries': { Ref: 'Retries' },
    });
  });

  test('the limits themselves are accepted', () => {
    expect(submit({
      jobName: 'a'.repeat(128),
      arraySize: 10_000,
      dependsOn: many(20).map((i) => ({ jobId: `j${i}` })),
      attempts: 10,
      evaluateOnExit: many(5).map(() => ({ action: batch.Action.EXIT, onStatusReason: 'x'.repeat(512) })),
      attemptTimeout: Duration.seconds(60),
      tags: Object.fromEntries(many(50).map((i) => [`k${i}`, 'v'.repeat(256)])),
      schedulingPriorityOverride: 9999,
    })).not.toThrow();
    expect(submit({ arraySize: 2, attempts: 1, schedulingPriorityOverride: 0, containerOverrides: { memory: Size.mebibytes(4) } })).not.toThrow();
    expect(submit({ arraySize: 2, dependsOn: [{ type: JobDependencyType.SEQUENTIAL }] })).not.toThrow();
    // 8,192 characters of overrides as ECS receives them, and a long value known only when the state runs
    expect(submit({ containerOverrides: { environment: { BIG: 'x'.repeat(8_192 - 56) } } })).not.toThrow();
    expect(submit({ containerOverrides: { environment: { BIG: 'x'.repeat(9_000), ID: sfn.JsonPath.stringAt('$.id') } } })).not.toThrow();
    // 128 and 256 characters of emoji, which String.length counts as 256 and 512.
    expect(submit({ tags: { ['\u{1F600}'.repeat(128)]: '\u{1F600}'.repeat(256) } })).not.toThrow();
  });

  test('values from the state input, or unresolved tokens, skip validation', () => {
    expect(submit({
      jobName: sfn.JsonPath.stringAt('$.name'),
      arraySize: sfn.JsonPath.numberAt('$.size'),
      attempts: sfn.JsonPath.numberAt('$.attempts'),
      evaluateOnExit: [{ action: batch.Action.RETRY, onExitCode: sfn.JsonPath.stringAt('$.code') }],
      attemptTimeout: Duration.seconds(sfn.JsonPath.numberAt('$.timeout')),
      containerOverrides: {
        vcpus: sfn.JsonPath.numberAt('$.cpu'), memory: Size.mebibytes(Token.asNumber({ Ref: 'Memory' })), command: sfn.JsonPath.listAt('$.command'),
      },
      dependsOn: [{ jobId: sfn.JsonPath.stringAt('$.previous.JobId') }],
      parameters: sfn.TaskInput.fromObject({ input: sfn.JsonPath.stringAt('$.input'), shards: sfn.JsonPath.format('{}', sfn.JsonPath.stringAt('$.n')) }),
      tags: { team: sfn.JsonPath.stringAt('$.team') },
      schedulingPriorityOverride: sfn.JsonPath.numberAt('$.priority'),
    })).not.toThrow();
  });

  test('JSONata expressions skip validation', () => {
    expect(() => SubmitJob.jsonata(new Stack(), 'Task', {
      ...target,
      jobName: '{% $states.input.name & "-" & $states.context.Execution.Name %}',
      arraySize: Token.asNumber('{% $states.input.size %}'),
      shareIdentifier: '{% $states.input.share %}',
      attempts: 3,
      evaluateOnExit: [{
        action: batch.Action.RETRY,
        onExitCode: '{% $states.input.retryCode %}',
        onReason: '{% $states.input.retryReason %}',
        onStatusReason: `{% ${'$states.input.statusReason & '.repeat(20)}"*" %}`,
      }],
      tags: { team: `{% ${'$states.input.team & '.repeat(20)}"" %}` },
    })).not.toThrow();
  });
});

describe('job queue and job definition targets', () => {
  const fromInput = (property: string, factory: string) => `\`${property}\` must be a name or ARN known before the execution; for one `
    + `read when the state runs, use ${factory}.fromJsonPath (with the path, or an ARN built with sfn.JsonPath.format), and \`allowed\` `
    + 'to scope the permission, got a JSONPath (sfn.JsonPath)';
  const QUEUE_FROM_INPUT = fromInput('jobQueue', 'JobQueueTarget');
  const DEFINITION_FROM_INPUT = fromInput('jobDefinition', 'JobDefinitionTarget');
  test.each([
    ['an empty allow-list of queues', () => JobQueueTarget.fromJsonPath('$.queue', { allowed: [] }),
      '`allowed` must name at least one job queue (leave it out to allow any, with a warning), got none'],
    ['an empty allow-list of definitions', () => JobDefinitionTarget.fromJsonata('{% $states.input.definition %}', { allowed: [] }),
      '`allowed` must name at least one job definition (leave it out to allow any, with a warning), got none'],
    ['queue name', () => JobQueueTarget.fromName('my queue'),
      '`jobQueue` must be a job queue name of 1 to 128 letters, numbers, hyphens and underscores, got "my queue"'],
    ['queue ARN of another resource', () => JobQueueTarget.fromArn('arn:aws:batch:us-east-1:111122223333:job-definition/d:1'),
      '`jobQueue` must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:job-queue/NAME, got "arn:aws:batch:us-east-1:111122223333:job-definition/d:1"'],
    ['queue path', () => JobQueueTarget.fromJsonPath('queue'),
      '`jobQueue` must be a JSONPath starting with `$` (state input) or `$$` (context object), got "queue"'],
    ['queue JSONata', () => JobQueueTarget.fromJsonata('$states.input.queue'),
      '`jobQueue` must be a JSONata expression written `{% ... %}`, got "$states.input.queue"'],
    ['definition name', () => JobDefinitionTarget.fromName('prep:latest'),
      '`jobDefinition` must be a job definition name of 1 to 128 letters, numbers, hyphens and underscores, optionally followed by `:REVISION`, got "prep:latest"'],
    ['queue name given an ARN', () => JobQueueTarget.fromName('arn:aws:batch:us-east-1:111122223333:job-queue/q'),
      '`jobQueue` must be a job queue name of 1 to 128 letters, numbers, hyphens and underscores (for an ARN, use JobQueueTarget.fromArn), '
      + 'got "arn:aws:batch:us-east-1:111122223333:job-queue/q"'],
    ['queue ARN with a bad name', () => JobQueueTarget.fromArn('arn:aws:batch:us-east-1:111122223333:job-queue/my queue'),
      '`jobQueue` must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:job-queue/NAME, got "arn:aws:batch:us-east-1:111122223333:job-queue/my queue"'],
    ['definition name given an ARN', () => JobDefinitionTarget.fromName('arn:aws:batch:us-east-1:111122223333:job-definition/d:1'),
      '`jobDefinition` must be a job definition name of 1 to 128 letters, numbers, hyphens and underscores, optionally followed by '
      + '`:REVISION` (for an ARN, use JobDefinitionTarget.fromArn), got "arn:aws:batch:us-east-1:111122223333:job-definition/d:1"'],
    ['definition ARN with revision 0', () => JobDefinitionTarget.fromArn('arn:aws:batch:us-east-1:111122223333:job-definition/d:0'),
      '`jobDefinition` must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:job-definition/NAME or NAME:REVISION, '
      + 'got "arn:aws:batch:us-east-1:111122223333:job-definition/d:0"'],
    ['definition ARN', () => JobDefinitionTarget.fromArn('prep'),
      '`jobDefinition` must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:job-definition/NAME or NAME:REVISION '
      + '(for a name, use JobDefinitionTarget.fromName), got "prep"'],
    ['queue name from a JSONPath of the input', () => JobQueueTarget.fromName(sfn.JsonPath.stringAt('$.queue')), QUEUE_FROM_INPUT],
    ['queue ARN from a JSONPath of the input', () => JobQueueTarget.fromArn(sfn.JsonPath.stringAt('$.queue')), QUEUE_FROM_INPUT],
    ['queue ARN ending in a JSONPath of the input',
      () => JobQueueTarget.fromArn(`arn:aws:batch:us-east-1:111122223333:job-queue/${sfn.JsonPath.stringAt('$.queue')}`), QUEUE_FROM_INPUT],
    ['definition name from a JSONPath of the input', () => JobDefinitionTarget.fromName(sfn.JsonPath.stringAt('$.definition')), DEFINITION_FROM_INPUT],
    ['definition ARN from a JSONPath of the input', () => JobDefinitionTarget.fromArn(sfn.JsonPath.stringAt('$.definition')), DEFINITION_FROM_INPUT],
    ['queue name from JSONata', () => JobQueueTarget.fromName('{% $states.input.queue %}'),
      '`jobQueue` must be a job queue name of 1 to 128 letters, numbers, hyphens and underscores (for one from the state input, '
      + 'use JobQueueTarget.fromJsonata), got "{% $states.input.queue %}"'],
    ['definition ARN from JSONata', () => JobDefinitionTarget.fromArn('{% $states.input.definition %}'),
      '`jobDefinition` must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:job-definition/NAME or NAME:REVISION '
      + '(for one from the state input, use JobDefinitionTarget.fromJsonata), got "{% $states.input.definition %}"'],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test.each([
    ['a definition ARN with a revision', 'arn:aws:batch:us-east-1:111122223333:job-definition/prep:3'],
    ['a definition ARN without one', 'arn:aws:batch:us-east-1:111122223333:job-definition/prep'],
  ])('ARNs render as given: %s, and a queue ARN', (_, definitionArn) => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', {
      jobQueueTarget: JobQueueTarget.fromArn('arn:aws:batch:us-east-1:111122223333:job-queue/SecondaryQueue'),
      jobDefinitionTarget: JobDefinitionTarget.fromArn(definitionArn),
      jobName: 'job',
    });
    expect(stack.resolve(task.toStateJson()).Parameters).toEqual(expect.objectContaining({
      JobQueue: 'arn:aws:batch:us-east-1:111122223333:job-queue/SecondaryQueue',
      JobDefinition: definitionArn,
    }));
  });

  test('a name with a revision renders as given; the role may submit any revision', () => {
    const stack = new Stack();
    const task = new SubmitJob(stack, 'Task', { ...target, jobDefinitionTarget: JobDefinitionTarget.fromName('prep:3'), jobName: 'job' });
    new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    expect(stack.resolve(task.toStateJson()).Parameters.JobDefinition).toEqual('prep:3');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'batch:SubmitJob',
          Resource: Match.arrayWith([{
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':job-definition/prep:*']],
          }]),
        })]),
      },
    });
  });
});
