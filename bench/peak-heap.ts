/**
 * Peak heap of one synthesis, measured in a process of its own: run by bench/synth.ts as
 *
 *   node --single-threaded-gc --trace-gc --require ts-node/register/transpile-only bench/peak-heap.ts TOPOLOGY N
 *
 * With `--trace-gc`, V8 prints the heap in use before each garbage collection, which is where the
 * heap peaks. This script prints markers around one synthesis; `peakHeapBytes` reads the lines in between.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CONTEXT, gc } from './measure';
import { TOPOLOGIES } from './topologies';

const START = 'PEAK-HEAP-START';
const END = 'PEAK-HEAP-END';

/** The most heap in use during one synthesis of `topology` at `jobs` jobs, above the heap in use before it. */
export function peakHeapBytes(topology: string, jobs: number): number {
  const child = spawnSync(process.execPath, [
    '--single-threaded-gc', '--trace-gc', '--require', 'ts-node/register/transpile-only', __filename, topology, String(jobs),
  ], { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' }, maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) { throw new Error(`peak-heap ${topology} ${jobs} failed: ${child.stderr}`); }
  const lines = child.stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(START));
  const end = lines.findIndex((l) => l.startsWith(END));
  if (start < 0 || end < start) { throw new Error(`peak-heap ${topology} ${jobs}: no markers in its output`); }
  const mib = 1024 * 1024;
  // "[pid:0x...]  1234 ms: Scavenge 45.2 (60.1) -> 40.1 (61.1) MB, ...": 45.2 MB in use before the collection.
  const beforeCollections = lines.slice(start + 1, end)
    .map((l) => /ms: [A-Za-z-]+(?: \([a-z ]+\))? ([\d.]+) \([\d.]+\) -> /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]) * mib);
  const atStart = Number(lines[start].split(' ')[1]);
  const atEnd = Number(lines[end].split(' ')[1]);
  return Math.max(atEnd, ...beforeCollections) - atStart;
}

function synthesize(topology: string, jobs: number): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-heap-'));
  try {
    const app = new App({ outdir, context: CONTEXT });
    TOPOLOGIES[topology](new Stack(app, 'Bench'), jobs);
    app.synth();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [topology, jobs] = process.argv.slice(2);
  // A first, smaller synthesis loads and compiles the code, which is not the synthesis's heap.
  synthesize(topology, 1);
  gc();
  console.log(`${START} ${process.memoryUsage().heapUsed}`);
  synthesize(topology, Number(jobs));
  console.log(`${END} ${process.memoryUsage().heapUsed}`);
}
