/**
 * Peak heap of one synthesis, measured in a process of its own: run by bench/synth.ts as
 *
 *   node --single-threaded-gc --trace-gc --require ts-node/register/transpile-only bench/peak-heap.ts TOPOLOGY[,TOPOLOGY...] N
 *
 * With `--trace-gc`, V8 prints the heap in use before each garbage collection, which is where the
 * heap peaks. This script prints markers around one synthesis of each topology; `peakHeapBytes` reads
 * the lines in between.
 */
import { runChild, synthesizeInTempDir } from './child-process';
import { gc } from './measure';
import { TOPOLOGIES } from './topologies';

const START = 'PEAK-HEAP-START';
const END = 'PEAK-HEAP-END';

/**
 * The most heap in use during one synthesis of each topology at `jobs` jobs, above the heap in use
 * before it, by topology: one process measures them one after the other.
 */
export function peakHeapBytes(topologies: string[], jobs: number): { [topology: string]: number } {
  const lines = runChild(__filename, [topologies.join(','), String(jobs)], ['--single-threaded-gc', '--trace-gc']).split('\n');
  return Object.fromEntries(topologies.map((topology) => [topology, peakBetweenMarkers(lines, topology)]));
}

function peakBetweenMarkers(lines: string[], topology: string): number {
  const start = lines.findIndex((l) => l.startsWith(`${START} ${topology} `));
  const end = lines.findIndex((l) => l.startsWith(`${END} ${topology} `));
  if (start < 0 || end < start) { throw new Error(`peak-heap ${topology}: no markers in its output`); }
  const mib = 1024 * 1024;
  // "[pid:0x...]  1234 ms: Scavenge 45.2 (60.1) -> 40.1 (61.1) MB, ...": 45.2 MB in use before the collection.
  const beforeCollections = lines.slice(start + 1, end)
    .map((l) => /ms: [A-Za-z-]+(?: \([a-z ]+\))? ([\d.]+) \([\d.]+\) -> /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]) * mib);
  const atStart = Number(lines[start].split(' ')[2]);
  const atEnd = Number(lines[end].split(' ')[2]);
  return Math.max(atEnd, ...beforeCollections) - atStart;
}

if (require.main === module) {
  const [topologies, jobs] = process.argv.slice(2);
  for (const topology of topologies.split(',')) {
    // A first, smaller synthesis loads and compiles the code, which is not the synthesis's heap.
    synthesizeInTempDir(TOPOLOGIES[topology], 1);
    gc();
    console.log(`${START} ${topology} ${process.memoryUsage().heapUsed}`);
    synthesizeInTempDir(TOPOLOGIES[topology], Number(jobs));
    console.log(`${END} ${topology} ${process.memoryUsage().heapUsed}`);
  }
}
