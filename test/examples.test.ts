import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pipelineApp } from '../examples/pipeline';
import { seedTaskApp } from '../examples/seed-task';
import { singleJobApp } from '../examples/single-job';
import * as seed from './fixtures/connect-batch-seed.json';
import { stateMachineDefinitions } from '../examples/support/definition';

const examples: Array<[string, () => App]> = [
  ['seed-task', seedTaskApp],
  ['single-job', singleJobApp],
  ['pipeline', pipelineApp],
];

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const cfnLintAvailable = cfnLint.status === 0;
if (!cfnLintAvailable) {
  // Visible, not silent: say how to turn the check on.
  console.warn('cfn-lint is not installed: the cfn-lint checks of the examples are skipped. Install it with `pip install cfn-lint`.');
}

describe.each(examples)('example %s', (name, makeApp) => {
  test('synthesizes, with the same template as the committed snapshot', () => {
    const assembly = makeApp().synth();
    for (const stack of assembly.stacks) {
      expect(stack.template).toMatchSnapshot(stack.stackName);
    }
  });

  test('cdk-nag 3 AwsSolutions: no finding left unacknowledged', () => {
    const app = makeApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  (cfnLintAvailable ? test : test.skip)('cfn-lint reports nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    try {
      for (const stack of makeApp().synth().stacks) {
        const file = join(dir, `${stack.stackName}.template.json`);
        writeFileSync(file, JSON.stringify(stack.template));
        const output = execFileSync('cfn-lint', ['--format', 'parseable', '--', file], { encoding: 'utf8' });
        expect(output).toEqual('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the seed example renders the documented Task state', () => {
  const [stack] = seedTaskApp().synth().stacks;
  const { default: _, ...expected } = seed as any;
  expect(Object.values(stateMachineDefinitions(stack.template))).toEqual([expected]);
});
