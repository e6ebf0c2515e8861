import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * The state machine definition of a stack as Step Functions receives it, with the template's
 * pseudo parameters replaced by values (partition `aws`).
 */
export function stateMachineDefinition(stack: Stack, pseudo: { [ref: string]: string } = {}): any {
  const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines);
  return JSON.parse(evaluate(machine.Properties.DefinitionString, { 'AWS::Partition': 'aws', ...pseudo }));
}

function evaluate(value: any, refs: { [ref: string]: string }): string {
  if (typeof value === 'string') { return value; }
  if (value.Ref !== undefined) {
    if (refs[value.Ref] === undefined) { throw new Error(`no value for Ref ${value.Ref}`); }
    return refs[value.Ref];
  }
  if (value['Fn::Join'] !== undefined) {
    const [sep, parts] = value['Fn::Join'];
    return parts.map((p: any) => evaluate(p, refs)).join(sep);
  }
  if (value['Fn::GetAtt'] !== undefined) {
    const key = value['Fn::GetAtt'].join('.');
    if (refs[key] === undefined) { throw new Error(`no value for Fn::GetAtt ${key}`); }
    return refs[key];
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}
