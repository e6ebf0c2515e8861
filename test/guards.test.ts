import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { JobDefinitionTarget, JobQueueTarget } from '../src/job-reference';
import {
  addWorkflowGuards, checkDefinitionSize, definitionBytes, checkManagedPolicyQuota, checkRolePolicies, checkStackResources, policyCharacters,
  renderEstimate,
} from '../src/private/guards';
import { SubmitJob } from '../src/submit-job';

const many = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A stack with one state machine of the given states, guarded. */
function workflow(states: (stack: Stack) => sfn.IChainable, props: Partial<sfn.StateMachineProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(states(stack)),
    ...props,
  });
  addWorkflowGuards(stack, stateMachine);
  return { app, stack, stateMachine };
}

function chain(states: sfn.INextable[]): sfn.IChainable {
  return states.slice(1).reduce<sfn.Chain>((c, s) => c.next(s as any), sfn.Chain.start(states[0] as any));
}

/** Pass states whose Parameters make the definition about `kib` KiB. */
const padded = (kib: number) => (stack: Stack) =>
  chain(many(kib / 64).map((i) => new sfn.Pass(stack, `Pad${i}`, { parameters: { pad: 'x'.repeat(64 * 1024) } })));

/** One statement of `resources` literal ARNs, `arn:aws:s3:::bucket-NNNN/*`. */
const s3Statement = (action: string, resources: number, from = 0) => new iam.PolicyStatement({
  actions: [action],
  resources: many(resources).map((i) => `arn:aws:s3:::bucket-${String(from + i).padStart(4, '0')}/*`),
});

describe('state machine definition size', () => {
  test('a definition over 1,048,576 bytes fails synth with its size and the way out', () => {
    const { app } = workflow(padded(1088));
    expect(() => app.synth()).toThrow(
      'The definition of state machine Stack/StateMachine is 1,115,189 bytes, over the Step Functions limit of '
      + '1,048,576 bytes (1 MB, a hard quota). Split the workflow: run groups of states as child state machines '
      + '(tasks.StepFunctionsStartExecution), or run the same job over a list with a Map state');
  });

  test('a definition under 1 MB passes', () => {
    const { app } = workflow(padded(960));
    expect(() => app.synth()).not.toThrow();
  }, 30_000); // writing and checking a 1 MB template takes a few seconds
});

describe('stack resources', () => {
  test('501 resources fail synth before aws-cdk-lib\'s own check, naming the way out', () => {
    const { app, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    // The state machine and its role are 2; 499 more make 501.
    many(499).forEach((i) => new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' }));
    expect(() => app.synth()).toThrow(
      'Stack Stack declares 501 resources, over the CloudFormation limit of 500 per stack. Move jobs (each BatchJob '
      + 'adds a job definition and a job role) into another stack or a NestedStack, or give jobs a shared `jobRole`');
  });

  test('in a NestedStack, whose name is known only at deploy time, the stack is named by its path', () => {
    const app = new App();
    const nested = new NestedStack(new Stack(app, 'Stack'), 'Nested');
    const stateMachine = new sfn.StateMachine(nested, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(nested, 'Start')),
    });
    addWorkflowGuards(nested, stateMachine);
    many(499).forEach((i) => new CfnResource(nested, `Topic${i}`, { type: 'AWS::SNS::Topic' }));
    expect(() => app.synth()).toThrow(/\[Stack\/Nested\] Stack Stack\/Nested declares 501 resources, over the CloudFormation limit/);
  });

  test('two workflows in one stack report the stack once', () => {
    const { app, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    const second = new sfn.StateMachine(stack, 'Second', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Other')) });
    addWorkflowGuards(stack, second);
    many(497).forEach((i) => new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' }));
    expect(() => app.synth()).toThrow(expect.objectContaining({
      message: expect.stringMatching(/^(?![\s\S]*declares 501[\s\S]*declares 501)[\s\S]*Stack Stack declares 501 resources/),
    }));
  });

  test('500 resources pass', () => {
    const { app, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    many(498).forEach((i) => new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' }));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('state machine role policies, after aws-cdk-lib splits them', () => {
  const fewer = 'Grant fewer, broader statements (job definitions that share a name prefix, granted once as '
    + '`job-definition/PREFIX*`, as BatchJob names them by default), or split the workflow into several state machines';

  test('inline policies over 10,240 characters in all fail synth', () => {
    // aws-cdk-lib splits only the role's default policy; another inline policy adds to the role's total.
    const { app, stateMachine, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    new iam.Policy(stack, 'Extra', { statements: [s3Statement('s3:GetObject', 400)], roles: [stateMachine.role] });
    expect(() => app.synth()).toThrow(
      'The inline policies of role Stack/StateMachine/Role total 11,694 characters (white space excluded, deploy-time '
      + `values estimated), over the IAM limit of 10,240 per role. ${fewer}`);
  });

  test('a statement too large for one managed policy fails synth', () => {
    const { app, stateMachine } = workflow((s) => new sfn.Pass(s, 'Start'));
    // The first statement fills the inline budget, the second is split off alone and is still too large.
    stateMachine.addToRolePolicy(s3Statement('s3:GetObject', 280));
    stateMachine.addToRolePolicy(s3Statement('s3:PutObject', 230, 1000));
    expect(() => app.synth()).toThrow(
      'Managed policy Stack/StateMachine/Role/OverflowPolicy1 of role Stack/StateMachine/Role has 6,764 characters '
      + '(white space excluded, deploy-time values estimated), over the IAM limit of 6,144 per managed policy. Narrow '
      + `its largest statements' resources. ${fewer}`);
  });

  test('an AWS::IAM::RolePolicy counts as an inline policy of the role', () => {
    const { app, stateMachine, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    new iam.CfnRolePolicy(stack, 'RolePolicy', {
      roleName: stateMachine.role.roleName,
      policyName: 'extra',
      policyDocument: new iam.PolicyDocument({ statements: [s3Statement('s3:GetObject', 400)] }),
    });
    expect(() => app.synth()).toThrow(/The inline policies of role Stack\/StateMachine\/Role total 11,\d{3} characters/);
  });

  test('a managed policy of the stack that the role lists is counted and sized', () => {
    const { app, stateMachine, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    stateMachine.role.addManagedPolicy(new iam.ManagedPolicy(stack, 'Listed', { statements: [s3Statement('s3:GetObject', 300)] }));
    expect(() => app.synth()).toThrow(
      'Managed policy Stack/Listed of role Stack/StateMachine/Role has 8,794 characters (white space excluded, deploy-time '
      + `values estimated), over the IAM limit of 6,144 per managed policy. Narrow its largest statements' resources. ${fewer}`);
  });

  test('more than 20 managed policies on the role fail synth', () => {
    // 300 SubmitJob tasks, each with its own job definition: a statement per task.
    const { app } = workflow((s) => chain(many(300).map((i) => new SubmitJob(s, `Submit${i}`, {
      jobQueueTarget: JobQueueTarget.fromName('queue'),
      jobDefinitionTarget: JobDefinitionTarget.fromName(`definition-${i}`),
      jobName: `job-${i}`,
    }))));
    expect(() => app.synth()).toThrow(
      'Role Stack/StateMachine/Role has 36 managed policies attached, over the IAM maximum of 20 per role (the default '
      + `quota is 10; a Service Quotas increase goes no higher than 20). ${fewer}`);
  });

  test('more than 10 managed policies that aws-cdk-lib does not count warn: the default quota is 10', () => {
    const { app, stateMachine, stack } = workflow((s) => new sfn.Pass(s, 'Start'));
    many(12).forEach((i) => new iam.ManagedPolicy(stack, `Attached${i}`, {
      roles: [stateMachine.role], statements: [s3Statement('s3:GetObject', 1, i)],
    }));
    const warnings = () => Annotations.fromStack(stack).findWarning('/Stack/StateMachine/Role', Match.anyValue());
    app.synth();
    expect(warnings().map((w) => w.entry.data)).toEqual([
      'Role Stack/StateMachine/Role has 12 managed policies attached, over the default IAM quota of 10 per role: deploying '
      + 'fails unless the account\'s quota "Managed policies per role" has been raised (Service Quotas, up to 20). Attach '
      + 'fewer, larger policies to the role [ack: cdk-batch-stepfunctions:managedPoliciesOverDefaultQuota]',
    ]);
  });

  test('more than 10 that aws-cdk-lib split off itself: its own warning only', () => {
    // 150 SubmitJob tasks, each with its own job definition: the role's policy is split into over 10.
    const { stack } = workflow((s) => chain(many(150).map((i) => new SubmitJob(s, `Submit${i}`, {
      jobQueueTarget: JobQueueTarget.fromName('queue'),
      jobDefinitionTarget: JobDefinitionTarget.fromName(`definition-${i}`),
      jobName: `job-${i}`,
    }))));
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/StateMachine/Role', Match.anyValue());
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringMatching(/^Policy large: 1\d exceeds 10 managed policies attached to a Role/),
    ]);
  });

  test('ten chained jobs pass every guard', () => {
    const { app } = workflow((s) => chain(many(10).map((i) => new SubmitJob(s, `Submit${i}`, {
      jobQueueTarget: JobQueueTarget.fromName('queue'),
      jobDefinitionTarget: JobDefinitionTarget.fromName(`definition-${i}`),
      jobName: `job-${i}`,
    }))));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('dependsOn', () => {
  const task = (stack: Stack, dependencies: number) => new SubmitJob(stack, 'Task', {
    jobQueueTarget: JobQueueTarget.fromName('queue'),
    jobDefinitionTarget: JobDefinitionTarget.fromName('definition'),
    jobName: 'job',
    dependsOn: many(dependencies).map((i) => ({ jobId: `job-${i}` })),
  });

  test('more than 20 fails when the task is built, during synth, naming the limit and the way out', () => {
    expect(() => workflow((s) => task(s, 21))).toThrow('`dependsOn` must have at most 20 entries (the AWS Batch limit of dependencies per job), got 21 entries. To wait for more jobs, depend on one job that itself depends on them, in groups of up to 20, or run them as one array job and depend on that');
  });

  test('20 pass', () => {
    expect(() => workflow((s) => task(s, 20)).app.synth()).not.toThrow();
  });
});

describe('each limit is allowed, and one more is refused', () => {
  const sizes = (inlineChars: number, managedChars: number, attachedManagedPolicies: number) =>
    ({ inlineChars, managed: [{ path: 'Managed', chars: managedChars }], attachedManagedPolicies, knownToRole: 0 });

  test.each([
    ['definition bytes', checkDefinitionSize('SM', 1_048_576), checkDefinitionSize('SM', 1_048_577)],
    ['stack resources', checkStackResources('S', 500), checkStackResources('S', 501)],
    ['inline policy characters', checkRolePolicies('R', sizes(10_240, 0, 0)), checkRolePolicies('R', sizes(10_241, 0, 0))],
    ['managed policy characters', checkRolePolicies('R', sizes(0, 6_144, 0)), checkRolePolicies('R', sizes(0, 6_145, 0))],
    ['managed policies per role', checkRolePolicies('R', sizes(0, 0, 20)), checkRolePolicies('R', sizes(0, 0, 21))],
    ['managed policies per role, default quota (a warning)', checkManagedPolicyQuota('R', sizes(0, 0, 10)), checkManagedPolicyQuota('R', sizes(0, 0, 11))],
  ])('%s', (_, atLimit, overLimit) => {
    expect(atLimit).toEqual([]);
    expect(overLimit).toHaveLength(1);
  });
});

describe('size estimates', () => {
  test('Fn::Join is joined, pseudo parameters take their longest value, other deploy-time values 150 characters', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':job-queue/', { Ref: 'Queue' }]] };
    expect(JSON.parse(renderEstimate(arn))).toEqual(`arn:aws-us-gov:batch:ap-southeast-2:123456789012:job-queue/${'x'.repeat(150)}`);
  });

  test('definition bytes are UTF-8 bytes of the definition, estimated the same way', () => {
    const { stack, stateMachine } = workflow((s) => new sfn.Pass(s, 'Start', {
      parameters: { queue: new CfnResource(s, 'Queue', { type: 'AWS::Batch::JobQueue' }).ref, region: s.region, text: 'café' },
    }));
    const expected = `{"StartAt":"Start","States":{"Start":{"Type":"Pass","Parameters":{"queue":"${'x'.repeat(150)}",`
      + '"region":"ap-southeast-2","text":"café"},"End":true}}}';
    expect(definitionBytes(stateMachine)).toEqual(Buffer.byteLength(expected, 'utf8'));
    expect(definitionBytes(stateMachine)).toEqual(expected.length + 1);
    // A definition rendered already is measured as given.
    expect(definitionBytes(stateMachine, stack.resolve((stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString)))
      .toEqual(expected.length + 1);
  });

  test('policy characters exclude white space', () => {
    expect(policyCharacters({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'a:B', Resource: 'has space' }] }))
      .toEqual('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:B","Resource":"hasspace"}]}'.length);
  });
});
