/**
 * What the bench's child processes share: a bench script run in a process of its own, and one
 * synthesis of a topology into a temporary directory.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { CONTEXT, inTempDir } from './measure';
import type { Topology } from './topologies';

/**
 * Runs a bench script (`node` with ts-node transpile-only) in a child process and returns what it
 * printed; fails with its standard error if it fails.
 */
export function runChild(script: string, args: string[], nodeFlags: string[] = []): string {
  const child = spawnSync(process.execPath, [...nodeFlags, '--require', 'ts-node/register/transpile-only', script, ...args], {
    encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' }, maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) { throw new Error(`${path.basename(script)} ${args.join(' ')} failed: ${child.stderr}`); }
  return child.stdout;
}

/**
 * Builds `topology` at `jobs` jobs in a fresh App (the bench's context) and synthesizes it into a
 * temporary directory; returns the milliseconds of construction and `app.synth()`, the directory's
 * creation and removal left out.
 */
export function synthesizeInTempDir(topology: Topology, jobs: number): number {
  return inTempDir('bench-child-', (outdir) => {
    const start = performance.now();
    const app = new App({ outdir, context: CONTEXT });
    topology(new Stack(app, 'Bench'), jobs);
    app.synth();
    return performance.now() - start;
  });
}
