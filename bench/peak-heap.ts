/**
 * Peak heap of one synthesis, measured in a process of its own: run by bench/synth.ts as
 *
 *   node --single-threaded-gc --trace-gc --require ts-node/register/transpile-only bench/peak-heap.ts TOPOLOGY N
 *
 * With `--trace-gc`, V8 prints the heap in use before each garbage collection, which is where the
 * heap peaks. This script prints markers around one synthesis; `peakHeapBytes` reads the lines in between.
 */
import { runChild, synthesizeInTempDir } from './child-process';
import { gc } from './measure';
import { TOPOLOGIES } from './topologies';

const START = 'PEAK-HEAP-START';
const END = 'PEAK-HEAP-END';

/** The most heap in use during one synthesis of `topology` at `jobs` jobs, above the heap in use before it. */
export function peakHeapBytes(topology: string, jobs: number): number {
  const lines = runChild(__filename, [topology, String(jobs)], ['--single-threaded-gc', '--trace-gc']).split('\n');
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

if (require.main === module) {
  const [topology, jobs] = process.argv.slice(2);
  // A first, smaller synthesis loads and compiles the code, which is not the synthesis's heap.
  synthesizeInTempDir(TOPOLOGIES[topology], 1);
  gc();
  console.log(`${START} ${process.memoryUsage().heapUsed}`);
  synthesizeInTempDir(TOPOLOGIES[topology], Number(jobs));
  console.log(`${END} ${process.memoryUsage().heapUsed}`);
}
