import { App, CfnOutput, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BatchEnvironment, BatchJob, BatchWorkflow, SubmitJob } from '../src';
import { RenderedOnceDefinitionBody } from '../src/private/definition-body';
import { addWorkflowGuards } from '../src/private/guards';

/**
 * A workflow whose definition holds a value that counts its renderings and can change between
 * syntheses, beside a job of a BatchEnvironment (job queue and job definition ARNs from the stack).
 */
function setUp(guarded: 'BatchWorkflow' | 'aws-cdk-lib') {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const environment = new BatchEnvironment(stack, 'Env');
  const job = new BatchJob(stack, 'Job', { environment, image: ecs.ContainerImage.fromRegistry('busybox') });
  const counter = { renderings: 0, value: 'first' };
  const mark = new sfn.Pass(stack, 'Mark', {
    parameters: { value: Lazy.uncachedString({ produce: () => { counter.renderings++; return counter.value; } }) },
  });
  const definition = mark.next(new SubmitJob(stack, 'Submit', { jobQueue: environment.jobQueue, jobDefinition: job.jobDefinition, jobName: 'job' }));
  let stateMachine: sfn.StateMachine;
  if (guarded === 'BatchWorkflow') {
    stateMachine = new BatchWorkflow(stack, 'Workflow', { definition }).stateMachine;
  } else {
    stateMachine = new sfn.StateMachine(stack, 'Workflow', { definitionBody: sfn.DefinitionBody.fromChainable(definition) });
    addWorkflowGuards(stack, stateMachine);
  }
  return { app, stack, stateMachine, counter };
}

/** The DefinitionString of the one state machine of a synthesized template. */
const definitionIn = (template: any) =>
  Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine').Properties.DefinitionString;
const definitionOf = (stack: Stack) => definitionIn(Template.fromStack(stack).toJSON());

test('the definition is rendered by the reference search and the guard only: the tree metadata and the template reuse the guard\'s', () => {
  const ours = setUp('BatchWorkflow');
  ours.app.synth();
  const plain = setUp('aws-cdk-lib');
  plain.app.synth();
  expect(ours.counter.renderings).toBe(2);
  // aws-cdk-lib's own body renders it for the reference search, the guard, the tree metadata and the template.
  expect(plain.counter.renderings).toBe(4);
});

test('the template gets the definition aws-cdk-lib renders, deploy-time values included', () => {
  const guarded = setUp('BatchWorkflow');
  const rendered = definitionOf(guarded.stack);
  expect(JSON.stringify(rendered)).toMatch(/\{"Fn::GetAtt":\["EnvJobQueue[0-9A-F]{8}","JobQueueArn"\]\}/);
  expect(JSON.stringify(rendered)).toMatch(/\{"Ref":"Job[0-9A-F]{8}"\}/);
  // Without validation the guard does not run, and aws-cdk-lib renders the definition itself.
  const unguarded = setUp('BatchWorkflow');
  const template = unguarded.app.synth({ skipValidation: true }).getStackByName(unguarded.stack.stackName).template;
  expect(unguarded.counter.renderings).toBe(3);
  expect(rendered).toEqual(definitionIn(template));
});

test('a later synthesis renders again: a value changed in between reaches the template', () => {
  const { app, stack, counter } = setUp('BatchWorkflow');
  app.synth();
  counter.value = 'second';
  const assembly = app.synth({ force: true });
  const template = assembly.getStackByName(stack.stackName).template;
  const definition = JSON.stringify(definitionIn(template));
  expect(definition).toContain('\\"value\\":\\"second\\"');
  expect(definition).not.toContain('first');
});

test('a synthesis that skips validation renders the definition itself', () => {
  const { app, stack, counter } = setUp('BatchWorkflow');
  app.synth();
  counter.value = 'second';
  const assembly = app.synth({ force: true, skipValidation: true });
  const template = assembly.getStackByName(stack.stackName).template;
  expect(JSON.stringify(template)).toContain('\\"value\\":\\"second\\"');
});

test('before it is bound, the body has nothing to render', () => {
  const stack = new Stack();
  const stateMachine = new sfn.StateMachine(stack, 'Other', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Other start')) });
  expect(new RenderedOnceDefinitionBody(new sfn.Pass(stack, 'Start')).renderFor(stateMachine)).toBeUndefined();
});

test('a DefinitionString given another value is what the guard measures, and what the template gets', () => {
  const stack = new Stack(new App(), 'Stack');
  const workflow = new BatchWorkflow(stack, 'Workflow', {
    definition: new sfn.Pass(stack, 'Big', { result: sfn.Result.fromString('x'.repeat(1_100_000)) }),
  });
  const small = '{"StartAt":"S","States":{"S":{"Type":"Pass","End":true}}}';
  (workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString = small;
  expect(definitionOf(stack)).toEqual(small);

  const other = new Stack(new App(), 'Stack');
  const replaced = new BatchWorkflow(other, 'Workflow', { definition: new sfn.Pass(other, 'Small') });
  (replaced.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString = JSON.stringify({
    StartAt: 'Big', States: { Big: { Type: 'Pass', Result: 'x'.repeat(1_100_000), End: true } },
  });
  expect(() => Template.fromStack(other)).toThrow(/The definition of state machine Stack\/Workflow\/Resource is 1,100,073 bytes, over the Step Functions limit/);
});

test('another stack that reads the DefinitionString gets it through an import, not the rendering of the state machine\'s stack', () => {
  const { app, stack, stateMachine } = setUp('BatchWorkflow');
  const reader = new Stack(app, 'Reader');
  new CfnOutput(reader, 'Definition', { value: (stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString! });
  const assembly = app.synth();
  const read = JSON.stringify(assembly.getStackByName('Reader').template.Outputs.Definition.Value);
  expect(read).toMatch(/"Fn::ImportValue":"Stack:ExportsOutputFnGetAttEnvJobQueue/);
  expect(read).not.toMatch(/"Fn::GetAtt":\["EnvJobQueue/);
  expect(JSON.stringify(assembly.getStackByName(stack.stackName).template)).toMatch(/"Fn::GetAtt":\["EnvJobQueue[0-9A-F]{8}","JobQueueArn"\]/);
});

test('resolved by itself after a synthesis, the DefinitionString is rendered afresh', () => {
  const { app, stack, counter } = setUp('BatchWorkflow');
  app.synth();
  counter.value = 'second';
  const cfn = stack.node.findAll().find((c) => c instanceof sfn.CfnStateMachine) as sfn.CfnStateMachine;
  expect(JSON.stringify(stack.resolve(cfn.definitionString))).toContain('\\"value\\":\\"second\\"');
});
