import { Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BatchEnvironment, BatchJob, JobDefinitionTarget, JobQueueTarget, SubmitJob, SubmitJobOptions } from '../src';

const env = { account: '111122223333', region: 'us-east-1' };

/** `arn:${AWS::Partition}:rest` as CloudFormation renders it. */
function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${rest}`]] };
}
const JOBS = arn('batch:us-east-1:111122223333:job/*');
const EVENTS_RULE = arn('events:us-east-1:111122223333:rule/StepFunctionsGetEventsForBatchJobsRule');
const WAIT_STATEMENTS = [
  { Effect: 'Allow', Action: 'batch:DescribeJobs', Resource: '*' },
  { Effect: 'Allow', Action: 'batch:TerminateJob', Resource: JOBS },
  { Effect: 'Allow', Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: EVENTS_RULE },
];

/** The statements of the state machine role's policy, for a state machine of the task `build` makes. */
function statementsOf(build: (stack: Stack) => sfn.IChainable) {
  const stack = new Stack(undefined, 'Stack', { env });
  new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(build(stack)) });
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [, policy] = Object.entries(policies).find(([logicalId]) => logicalId.startsWith('StateMachineRole'))!;
  return { stack, statements: policy.Properties.PolicyDocument.Statement as any[] };
}

/** The job definition resources of SubmitJob, for a task on a queue by name and the definition `target` gives. */
function definitionResources(target: Pick<SubmitJobOptions, 'jobDefinitionTarget'> | ((stack: Stack) => batch.IJobDefinition)) {
  return statementsOf((stack) => new SubmitJob(stack, 'Task', {
    jobQueueTarget: JobQueueTarget.fromName('q'),
    ...typeof target === 'function' ? { jobDefinition: target(stack) } : target,
    jobName: 'job',
  })).statements[0].Resource.slice(1, -1);
}

function machineStatements(options: Partial<SubmitJobOptions> & Partial<sfn.TaskStateBaseProps>) {
  return statementsOf((stack) => new SubmitJob(stack, 'Task', {
    jobQueueTarget: JobQueueTarget.fromName('SecondaryQueue'),
    jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
    jobName: 'job',
    ...options,
  }));
}

describe('least-privilege IAM', () => {
  test('.sync: submit to the exact queue and definition, wait for and stop the job', () => {
    const { statements } = machineStatements({});
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'batch:SubmitJob',
        Resource: [
          arn('batch:us-east-1:111122223333:job-queue/SecondaryQueue'),
          // The state names the definition without a revision, and Batch authorizes that against
          // `job-definition/preprocessing`, which `preprocessing:*` does not match.
          arn('batch:us-east-1:111122223333:job-definition/preprocessing'),
          arn('batch:us-east-1:111122223333:job-definition/preprocessing:*'),
          JOBS,
        ],
      },
      ...WAIT_STATEMENTS,
    ]);
  });

  test('request-response: SubmitJob only, no events rule and no DescribeJobs', () => {
    const { statements } = machineStatements({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE });
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        arn('batch:us-east-1:111122223333:job-queue/SecondaryQueue'),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing'),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing:*'),
        JOBS,
      ],
    }]);
  });

  test.each([
    ['tags', { tags: { team: 'ml' } }],
    ['propagateTags', { propagateTags: true }],
  ])('with %s: batch:TagResource on jobs', (_, options) => {
    const { statements } = machineStatements(options);
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'batch:SubmitJob' }),
      { Effect: 'Allow', Action: 'batch:TagResource', Resource: JOBS },
      ...WAIT_STATEMENTS,
    ]);
  });

  test('no tags, no TagResource (empty tags and propagateTags false)', () => {
    const { statements } = machineStatements({ tags: {}, propagateTags: false });
    expect(statements.map((s) => s.Action)).not.toContain('batch:TagResource');
  });

  test('constructs: the queue ARN and every revision of the definition (rendered with its revision)', () => {
    const { statements } = statementsOf((stack) => new SubmitJob(stack, 'Task', {
      jobQueue: batch.JobQueue.fromJobQueueArn(stack, 'Queue', 'arn:aws:batch:us-east-1:111122223333:job-queue/Main'),
      jobDefinition: batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Definition', 'arn:aws:batch:us-east-1:111122223333:job-definition/prep:3'),
      jobName: 'job',
    }));
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        'arn:aws:batch:us-east-1:111122223333:job-queue/Main',
        // Where the ARN says, as the queue: the stack's partition is not assumed.
        'arn:aws:batch:us-east-1:111122223333:job-definition/prep:*',
        JOBS,
      ],
    });
  });

  test('a definition by ARN in another account and region: granted there, by target and by construct alike', () => {
    const elsewhere = 'arn:aws:batch:eu-west-1:444455556666:job-definition/shared:2';
    expect(definitionResources({ jobDefinitionTarget: JobDefinitionTarget.fromArn(elsewhere) }))
      .toEqual(['arn:aws:batch:eu-west-1:444455556666:job-definition/shared:*']);
    expect(definitionResources((stack) => batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Shared', elsewhere)))
      .toEqual(['arn:aws:batch:eu-west-1:444455556666:job-definition/shared:*']);
  });

  test('multi-node job definitions: every revision of the one definition, by the name in its ARN', () => {
    const { statements } = statementsOf((stack) => {
      const container = new batch.EcsEc2ContainerDefinition(stack, 'Container', {
        image: ecs.ContainerImage.fromRegistry('busybox'), cpu: 1, memory: Size.gibibytes(1),
      });
      const own = new batch.MultiNodeJobDefinition(stack, 'MultiNode', {
        instanceType: new ec2.InstanceType('c5.large'), containers: [{ startNode: 0, endNode: 1, container }],
      });
      const imported = batch.MultiNodeJobDefinition.fromJobDefinitionArn(stack, 'ImportedDefinition', 'arn:aws:batch:us-east-1:111122223333:job-definition/mnp:7');
      const queue = JobQueueTarget.fromName('q');
      return new SubmitJob(stack, 'Own', { jobQueueTarget: queue, jobDefinition: own, jobName: 'own' })
        .next(new SubmitJob(stack, 'Imported', { jobQueueTarget: queue, jobDefinition: imported, jobName: 'imported' }));
    });
    const definitions = statements.filter((s) => s.Action === 'batch:SubmitJob').map((s) => s.Resource[1]);
    // The name of the ARN `Ref` gives: job-definition/NAME:REVISION → NAME.
    const nameInArn = { 'Fn::Select': [0, { 'Fn::Split': [':', { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: expect.stringMatching(/^MultiNode/) }] }] }] }] }] }] };
    expect(definitions).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:us-east-1:111122223333:job-definition/', nameInArn, ':*']] },
      'arn:aws:batch:us-east-1:111122223333:job-definition/mnp:*',
    ]);
  });

  describe('a state that names the definition without a revision: also granted by its name alone', () => {
    // Batch authorizes it against job-definition/NAME, which NAME:* does not match.
    const image = ecs.ContainerImage.fromRegistry('busybox');

    const elsewhere = 'arn:aws:batch:eu-west-1:444455556666:job-definition/prep';
    test.each([
      ['a name', { jobDefinitionTarget: JobDefinitionTarget.fromName('prep') },
        [arn('batch:us-east-1:111122223333:job-definition/prep'), arn('batch:us-east-1:111122223333:job-definition/prep:*')]],
      ['an ARN', { jobDefinitionTarget: JobDefinitionTarget.fromArn(elsewhere) }, [elsewhere, `${elsewhere}:*`]],
      ['an imported ARN', (stack: Stack) => batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Prep', elsewhere), [elsewhere, `${elsewhere}:*`]],
    ])('%s without a revision', (_name, target, expected) => {
      expect(definitionResources(target)).toEqual(expected);
    });

    test.each([
      ['a name with a revision', { jobDefinitionTarget: JobDefinitionTarget.fromName('prep:3') }],
      ['an imported ARN with a revision', (stack: Stack) => batch.EcsJobDefinition.fromJobDefinitionArn(stack, 'Prep',
        'arn:aws:batch:us-east-1:111122223333:job-definition/prep:3')],
    ])('not %s', (_name, target) => {
      expect(definitionResources(target)).toHaveLength(1);
    });

    test('a definition with a literal name, which the state machine of another stack names so', () => {
      const resources = definitionResources((stack) => new batch.EcsJobDefinition(stack, 'Named', {
        jobDefinitionName: 'prep',
        container: new batch.EcsFargateContainerDefinition(stack, 'Container', { image, cpu: 1, memory: Size.gibibytes(2) }),
      }));
      expect(resources).toEqual([arn('batch:us-east-1:111122223333:job-definition/prep'), arn('batch:us-east-1:111122223333:job-definition/prep:*')]);
    });
  });

  test('an allow-list of jobs of a BatchEnvironment grants each by its own name, not the environment\'s prefix', () => {
    let safe: BatchJob | undefined;
    const { statements } = statementsOf((stack) => {
      const environment = new BatchEnvironment(stack, 'Env');
      const image = ecs.ContainerImage.fromRegistry('busybox');
      safe = new BatchJob(stack, 'Safe', { environment, image });
      new BatchJob(stack, 'DropTables', { environment, image });
      return new SubmitJob(stack, 'Task', {
        jobQueue: environment.jobQueue,
        jobDefinitionTarget: JobDefinitionTarget.fromJsonPath('$.definition', { allowed: [safe.jobDefinition] }),
        jobName: 'job',
      });
    });
    expect(safe!.jobDefinitionName).toMatch(/^Stack-Env-[0-9a-f]{8}-Safe$/);
    expect(statements[0].Resource.slice(1, 3)).toEqual([
      arn(`batch:us-east-1:111122223333:job-definition/${safe!.jobDefinitionName}`),
      arn(`batch:us-east-1:111122223333:job-definition/${safe!.jobDefinitionName}:*`),
    ]);
  });

  test('queue and definition from the state input, with allow-lists: scoped to them, no warning', () => {
    const stack0 = new Stack(undefined, 'Other', { env });
    const blue = batch.JobQueue.fromJobQueueArn(stack0, 'Blue', 'arn:aws:batch:us-east-1:111122223333:job-queue/blue');
    const green = batch.JobQueue.fromJobQueueArn(stack0, 'Green', 'arn:aws:batch:us-east-1:111122223333:job-queue/green');
    const prep = batch.EcsJobDefinition.fromJobDefinitionArn(stack0, 'Prep', 'arn:aws:batch:us-east-1:111122223333:job-definition/prep:1');
    const { stack, statements } = machineStatements({
      jobQueueTarget: JobQueueTarget.fromJsonPath('$.queue', { allowed: [blue, green] }),
      jobDefinitionTarget: JobDefinitionTarget.fromJsonPath('$.definition', { allowed: [prep] }),
    });
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        'arn:aws:batch:us-east-1:111122223333:job-queue/blue',
        'arn:aws:batch:us-east-1:111122223333:job-queue/green',
        'arn:aws:batch:us-east-1:111122223333:job-definition/prep',
        'arn:aws:batch:us-east-1:111122223333:job-definition/prep:*',
        JOBS,
      ],
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('queue from the state input without an allow-list: the account/region queues, and a warning', () => {
    const { stack, statements } = machineStatements({ jobQueueTarget: JobQueueTarget.fromJsonPath('$.queue') });
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        arn('batch:us-east-1:111122223333:job-queue/*'),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing'),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing:*'),
        JOBS,
      ],
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Task',
      'The jobQueue comes from the state input and no allow-list was given, so the state machine role may submit to every job queue '
      + 'in this account and region. Narrow it with the `allowed` option of JobQueueTarget.fromJsonPath or JobQueueTarget.fromJsonata: '
      + 'the job queues the input may name. [ack: cdk-batch-stepfunctions:unscoped-jobQueue]');
  });

  test('definition from the state input (JSONata) without an allow-list: the account/region definitions, and a warning', () => {
    const { stack, statements } = statementsOf((scope) => SubmitJob.jsonata(scope, 'Task', {
      jobQueueTarget: JobQueueTarget.fromName('SecondaryQueue'),
      jobDefinitionTarget: JobDefinitionTarget.fromJsonata('{% $states.input.definition %}'),
      jobName: 'job',
    }));
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        arn('batch:us-east-1:111122223333:job-queue/SecondaryQueue'),
        arn('batch:us-east-1:111122223333:job-definition/*'),
        JOBS,
      ],
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Task',
      'The jobDefinition comes from the state input and no allow-list was given, so the state machine role may submit to every job '
      + 'definition in this account and region. Narrow it with the `allowed` option of JobDefinitionTarget.fromJsonPath or '
      + 'JobDefinitionTarget.fromJsonata: the job definitions the input may name. [ack: cdk-batch-stepfunctions:unscoped-jobDefinition]');
  });

  test('no resource is "*" except batch:DescribeJobs', () => {
    const { statements } = machineStatements({ tags: { a: 'b' }, jobQueueTarget: JobQueueTarget.fromJsonPath('$.q') });
    const wildcards = statements.filter((s) => [s.Resource].flat().includes('*'));
    expect(wildcards).toEqual([{ Effect: 'Allow', Action: 'batch:DescribeJobs', Resource: '*' }]);
  });
});

describe('tasks with the same permissions', () => {
  /** N tasks on one queue and one definition, chained in a state machine of `stack`. */
  function chainOf(stack: Stack, prefix: string, queue: string, tasks: number): sfn.IChainable {
    const steps = Array.from({ length: tasks }, (_, i) => new SubmitJob(stack, `${prefix}${i}`, {
      jobQueueTarget: JobQueueTarget.fromName(queue),
      jobDefinitionTarget: JobDefinitionTarget.fromName('preprocessing'),
      jobName: `job-${i}`,
    }));
    return steps.slice(1).reduce<sfn.Chain>((chain, step) => chain.next(step), sfn.Chain.start(steps[0]));
  }

  /** The statements the role's default policy holds before aws-cdk-lib renders it (and removes copies). */
  function heldStatements(machine: sfn.StateMachine): number {
    const policy = machine.role.node.tryFindChild('DefaultPolicy') as iam.Policy;
    return policy.document.statementCount;
  }

  test.each([2, 30])('add each statement once to the role, whatever their number (%i tasks)', (tasks) => {
    const stack = new Stack(undefined, 'Stack', { env });
    const machine = new sfn.StateMachine(stack, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(chainOf(stack, 'Task', 'Queue', tasks)),
    });
    expect(heldStatements(machine)).toBe(4);
  });

  test('inside a Parallel branch too', () => {
    const stack = new Stack(undefined, 'Stack', { env });
    const parallel = new sfn.Parallel(stack, 'Run').branch(chainOf(stack, 'Task', 'Queue', 5));
    const machine = new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(parallel) });
    expect(heldStatements(machine)).toBe(4);
  });

  test('two Parallel branches: once per branch, not once per task', () => {
    const stack = new Stack(undefined, 'Stack', { env });
    const parallel = new sfn.Parallel(stack, 'Run')
      .branch(chainOf(stack, 'A', 'Queue', 5))
      .branch(chainOf(stack, 'B', 'Queue', 5));
    const machine = new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(parallel) });
    expect(heldStatements(machine)).toBe(8);
  });

  test('each state machine of the stack still gets all of them, and a task on another queue its own', () => {
    const stack = new Stack(undefined, 'Stack', { env });
    new sfn.StateMachine(stack, 'First', { definitionBody: sfn.DefinitionBody.fromChainable(chainOf(stack, 'A', 'Queue', 2)) });
    new sfn.StateMachine(stack, 'Second', {
      definitionBody: sfn.DefinitionBody.fromChainable(
        sfn.Chain.start(chainOf(stack, 'B', 'Queue', 2)).next(chainOf(stack, 'C', 'OtherQueue', 1))),
    });
    const statementsOfPolicy = (machine: string) => {
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${machine}Role`) }] },
      });
      return Object.values(policies).map((p) => p.Properties.PolicyDocument.Statement);
    };
    const submitTo = (queue: string) => ({
      Effect: 'Allow',
      Action: 'batch:SubmitJob',
      Resource: [
        arn(`batch:us-east-1:111122223333:job-queue/${queue}`),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing'),
        arn('batch:us-east-1:111122223333:job-definition/preprocessing:*'),
        JOBS,
      ],
    });
    expect(statementsOfPolicy('First')).toEqual([[submitTo('Queue'), ...WAIT_STATEMENTS]]);
    expect(statementsOfPolicy('Second')).toEqual([[submitTo('Queue'), ...WAIT_STATEMENTS, submitTo('OtherQueue')]]);
  });
});
