/**
 * The main job: synthesizes the example app and prints its state machine definition.
 */
import { seedTaskApp } from './seed-task';
import { stateMachineDefinitions } from './support/definition';

const assembly = seedTaskApp().synth();
for (const stack of assembly.stacks) {
  for (const [id, definition] of Object.entries(stateMachineDefinitions(stack.template))) {
    console.log(`# ${stack.stackName} / ${id}: state machine definition`);
    console.log(JSON.stringify(definition, undefined, 2));
  }
}
