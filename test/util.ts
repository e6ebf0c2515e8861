import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stateMachineDefinitions } from '../examples/support/definition';

/**
 * The definition of the one state machine of a stack as Step Functions receives it, in the
 * `aws` partition.
 */
export function stateMachineDefinition(stack: Stack, refs: { [ref: string]: string } = {}): any {
  const definitions = Object.values(stateMachineDefinitions(Template.fromStack(stack).toJSON(), refs));
  if (definitions.length !== 1) { throw new Error(`expected one state machine, found ${definitions.length}`); }
  return definitions[0];
}
