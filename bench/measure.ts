import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Topology } from './topologies';
import {
  checkDefinitionSize, checkRolePolicies, checkStackResources, definitionBytes, rolePolicySizes, RolePolicySizes,
} from '../src/private/guards';
import { renderCompactOutput } from '../src/private/submit-job-render';

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection, so each run starts from the same heap. */
export const gc: () => void = vm.runInNewContext('gc');

/** What one synthesis of one topology costs and produces. */
export interface RunResult {
  /** Constructing the tree and `app.synth()`, in milliseconds. */
  readonly totalMs: number;
  /** `app.synth()` alone, in milliseconds. */
  readonly synthMs: number;
}

/** A run, and what its app looks like. */
export interface MeasuredRun extends RunResult {
  readonly figures: Figures;
}

/** What the synthesized app looks like; the same on every run of one topology and size. */
export interface Figures {
  readonly templateBytes: number;
  readonly resources: number;
  readonly resourceTypes: { [type: string]: number };
  readonly definitionBytes: number;
  readonly policies: RolePolicySizes;
  /** The guards' messages: which limits this app is over. */
  readonly guards: string[];
}

export const CONTEXT = {
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
  // aws-cdk-lib fails a template over 500 resources; the bench measures past it, the guards report it.
  '@aws-cdk/core:stackResourceLimit': 0,
};

/**
 * Synthesizes every topology once, side by side in one app. aws-cdk-lib validates each template
 * with an engine built for the resource types it has seen (its `CloudFormationValidatePlugin`);
 * it keeps that engine while each later app's types are among them, and builds a new one, for a
 * hundred milliseconds and more, when they are not. After one app of every type, no timed run
 * rebuilds it, whatever types a topology adds or drops.
 */
export function warmUp(topologies: Topology[], jobs: number): void {
  inTempDir('bench-warm-up-', (outdir) => {
    const app = new App({ outdir, context: CONTEXT });
    topologies.forEach((topology, i) => topology(new Stack(app, `WarmUp${i}`), jobs));
    app.synth();
  });
}

/** Runs `f` with a new temporary directory, removed afterwards. */
export function inTempDir<T>(prefix: string, f: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes one topology of `jobs` jobs in a fresh App, into a temporary directory, and times it.
 * The figures are the same on every run of one topology and size: `measure` reads them once.
 */
export function run(topology: Topology, jobs: number, context: { [key: string]: unknown } = {}): RunResult {
  return synthesize(topology, jobs, context, () => undefined).timing;
}

/** As `run`, and reads the figures of the synthesized app. */
export function measure(topology: Topology, jobs: number, context: { [key: string]: unknown } = {}): MeasuredRun {
  const { timing, read } = synthesize(topology, jobs, context, figuresOf);
  return { ...timing, figures: read };
}

/** Times one synthesis, then reads what `read` reads of the app (outside the timed part). */
function synthesize<T>(
  topology: Topology, jobs: number, context: { [key: string]: unknown },
  read: (stack: Stack, stateMachine: sfn.StateMachine, templatePath: string) => T,
): { timing: RunResult; read: T } {
  return inTempDir('bench-synth-', (outdir) => {
    gc();
    const cpu0 = cpuSnapshot();
    const t0 = performance.now();
    const app = new App({ outdir, context: { ...CONTEXT, ...context } });
    const stack = new Stack(app, 'Bench');
    const stateMachine = topology(stack, jobs);
    const t1 = performance.now();
    const assembly = app.synth();
    const t2 = performance.now();
    const cpu2 = cpuSnapshot();
    timedRuns.otherCpuMs += Math.max(0, (cpu2.machineBusyMs - cpu0.machineBusyMs) - (cpu2.processMs - cpu0.processMs));
    timedRuns.wallMs += t2 - t0;
    return {
      timing: { totalMs: t2 - t0, synthMs: t2 - t1 },
      read: read(stack, stateMachine, assembly.getStackByName(stack.stackName).templateFullPath),
    };
  });
}

function figuresOf(stack: Stack, stateMachine: sfn.StateMachine, templatePath: string): Figures {
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  const resourceTypes: { [type: string]: number } = {};
  for (const resource of Object.values<any>(template.Resources)) {
    resourceTypes[resource.Type] = (resourceTypes[resource.Type] ?? 0) + 1;
  }
  const bytes = definitionBytes(stateMachine)!;
  const policies = rolePolicySizes(stateMachine)!;
  const resources = Object.keys(template.Resources).length;
  return {
    templateBytes: fs.statSync(templatePath).size,
    resources,
    resourceTypes,
    definitionBytes: bytes,
    policies,
    guards: [
      ...checkDefinitionSize(stateMachine.node.path, bytes),
      ...checkStackResources(stack.stackName, resources),
      ...checkRolePolicies(stateMachine.role.node.path, policies),
    ],
  };
}

/**
 * The compact output of a SubmitJob task, as the library renders it (its `ResultSelector` for a
 * container job that logs with awslogs), applied to a DescribeJobs job.
 */
export function compactResult(jobDetail: any): object {
  const { ResultSelector: selector } = renderCompactOutput(sfn.QueryLanguage.JSON_PATH, { arrayJob: false, awsLogs: true });
  return Object.fromEntries(Object.entries<string>(selector).map(([key, expression]) =>
    [key.replace(/\.\$$/, ''), evaluate(expression, jobDetail)]));
}

/** The JSONPath and intrinsic functions the compact output uses: `$.A.B` and `States.ArrayLength($.A)`. */
function evaluate(expression: string, input: any): unknown {
  const arrayLength = /^States\.ArrayLength\((.+)\)$/.exec(expression);
  if (arrayLength) { return (evaluate(arrayLength[1], input) as unknown[]).length; }
  if (!/^\$(\.\w+)+$/.test(expression)) { throw new Error(`The bench cannot evaluate ${expression}`); }
  return expression.split('.').slice(1).reduce((value, key) => value?.[key], input);
}

/** The size of a state's output as Step Functions counts it: UTF-8 bytes of the JSON text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** CPU time spent so far by all the machine's cores and by this process, in milliseconds. */
function cpuSnapshot(): { machineBusyMs: number; processMs: number } {
  const machineBusyMs = os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
  const { user, system } = process.cpuUsage();
  return { machineBusyMs, processMs: (user + system) / 1000 };
}

/** Over the timed runs since the last `resetOtherCpu`: other processes' CPU and the time it was taken in. */
const timedRuns = { otherCpuMs: 0, wallMs: 0 };

export function resetOtherCpu(): void {
  timedRuns.otherCpuMs = 0;
  timedRuns.wallMs = 0;
}

/**
 * How many cores' worth of CPU other processes used during the timed runs since `resetOtherCpu`
 * (0.5: half of one core all along): the machine's busy time less this process's, over their time.
 */
export function otherCpuDuringRuns(): number {
  return timedRuns.wallMs > 0 ? timedRuns.otherCpuMs / timedRuns.wallMs : 0;
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile of the values (0.25: the first quartile), interpolated between the nearest two. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below);
}
