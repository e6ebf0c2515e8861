/**
 * One synthesis in a fresh process, as `cdk synth` runs an app: run by bench/synth.ts as
 *
 *   node --require ts-node/register/transpile-only bench/first-synth.ts TOPOLOGY N
 *
 * Unlike the runs in the bench's own process, nothing is warm: aws-cdk-lib loads the modules it
 * needs on first use, V8 compiles the code as it first runs, and aws-cdk-lib builds its template
 * validator. This script prints one line, `FIRST-SYNTH <construct and synth ms>`.
 */
import { performance } from 'perf_hooks';
import { runChild, synthesizeInTempDir } from './child-process';
import { TOPOLOGIES } from './topologies';

const MARKER = 'FIRST-SYNTH';

/** What one synthesis in a fresh process costs. */
export interface FirstSynth {
  /** Constructing the tree and `app.synth()`, the first in the process, in milliseconds. */
  readonly totalMs: number;
  /** The whole process, from its spawn to its exit (Node.js and ts-node starting, modules loading), in milliseconds. */
  readonly processMs: number;
}

/** Runs one synthesis of `topology` at `jobs` jobs in a process of its own. */
export function firstSynth(topology: string, jobs: number): FirstSynth {
  const start = performance.now();
  const stdout = runChild(__filename, [topology, String(jobs)]);
  const processMs = performance.now() - start;
  const line = stdout.split('\n').find((l) => l.startsWith(`${MARKER} `));
  if (line === undefined) { throw new Error(`first-synth ${topology} ${jobs}: no ${MARKER} line in its output`); }
  return { totalMs: Number(line.split(' ')[1]), processMs };
}

if (require.main === module) {
  const [topology, jobs] = process.argv.slice(2);
  console.log(`${MARKER} ${synthesizeInTempDir(TOPOLOGIES[topology], Number(jobs))}`);
}
