/**
 * One synthesis in a fresh process, as `cdk synth` runs an app: run by bench/synth.ts as
 *
 *   node --require ts-node/register/transpile-only bench/first-synth.ts TOPOLOGY N
 *
 * Unlike the runs in the bench's own process, nothing is warm: aws-cdk-lib loads the modules it
 * needs on first use, V8 compiles the code as it first runs, and aws-cdk-lib builds its template
 * validator. This script prints one line, `FIRST-SYNTH <construct and synth ms>`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { CONTEXT } from './measure';
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
  const child = spawnSync(process.execPath, ['--require', 'ts-node/register/transpile-only', __filename, topology, String(jobs)], {
    encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' }, maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = performance.now() - start;
  if (child.status !== 0) { throw new Error(`first-synth ${topology} ${jobs} failed: ${child.stderr}`); }
  const line = child.stdout.split('\n').find((l) => l.startsWith(`${MARKER} `));
  if (line === undefined) { throw new Error(`first-synth ${topology} ${jobs}: no ${MARKER} line in its output`); }
  return { totalMs: Number(line.split(' ')[1]), processMs };
}

if (require.main === module) {
  const [topology, jobs] = process.argv.slice(2);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-first-'));
  try {
    const t0 = performance.now();
    const app = new App({ outdir, context: CONTEXT });
    TOPOLOGIES[topology](new Stack(app, 'Bench'), Number(jobs));
    app.synth();
    console.log(`${MARKER} ${performance.now() - t0}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
