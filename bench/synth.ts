/**
 * Synth cost and AWS limits as a workflow grows: ours (BatchEnvironment, BatchJob, SubmitJob)
 * against the same topology hand-wired with aws-cdk-lib L2s. Prints a table and writes it to
 * docs/benchmarks.md.
 *
 *   npx projen bench
 *
 * BENCH_SIZES=1,10, BENCH_RUNS=1 and BENCH_FIRST_SYNTH_RUNS=1 make a quick run; BENCH_BUDGET_SECONDS
 * (480) bounds how long the fresh processes may take it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { firstSynth, FirstSynth } from './first-synth';
import { compactResult, Figures, measure, median, otherCpuDuringRuns, payloadBytes, quantile, resetOtherCpu, run, RunResult, warmUp } from './measure';
import { peakHeapBytes } from './peak-heap';
import { FirstSynthRow, FixedCostStep, Row, renderMarkdown } from './report';
import { FIXED_COST_STEPS, handWired, handWiredSameResources, ours } from './topologies';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,100,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** Small workflows synthesize in tens of milliseconds, where noise weighs most: run them more. */
const runsAt = (jobs: number) => (jobs <= 10 ? RUNS * 3 : RUNS);
/**
 * Each first synthesis is a process of its own, of 2 to 8 seconds depending on the machine (Node.js,
 * ts-node and aws-cdk-lib load in each). They run in rounds, one process of each topology at each
 * N a round: as many rounds as this, and as fit in the bench's time budget, one at least.
 */
const FIRST_SYNTH_RUNS = Number(process.env.BENCH_FIRST_SYNTH_RUNS ?? 5);
/**
 * Seconds from the bench process's start by which the last round of fresh processes ends, so that
 * `npx projen bench` (the type check included) stays under 10 minutes even on a slow machine: the
 * same bench took 7 minutes on one 2-core machine and 12 on another.
 */
const BUDGET_SECONDS = Number(process.env.BENCH_BUDGET_SECONDS ?? 480);
/** Untimed runs of each topology at one job before the timed ones. */
const WARM_UP_RUNS = 5;

function main(): void {
  console.log(`warm-up, then ${RUNS} runs each of ours and hand-wired at N = ${SIZES.join(', ')}`);
  const topologies = [ours, handWired, handWiredSameResources];
  // Each topology once: the fixed-cost steps include the three above.
  warmUp([...new Set([...topologies, ...FIXED_COST_STEPS.map(([, topology]) => topology)])], 10);
  topologies.forEach((topology) => run(topology, 10));
  // Then a few untimed runs of each at one job, where the first timed runs go: V8 optimizes the
  // code of a topology only after it has run a number of times.
  for (let i = 0; i < WARM_UP_RUNS; i++) { FIXED_COST_STEPS.forEach(([, topology]) => run(topology, 1)); }
  resetOtherCpu();
  // First, while the heap is small: aws-cdk-lib keeps every token of every app in a map of its own
  // for the life of the process (a few hundred KiB for each app of one job), so the heap grows run
  // after run, and each full collection between runs takes longer (0.7 s after 27 runs at N = 200,
  // against 0.2 s after the warm-up): measured last, this table's runs took minutes longer.
  const fixedCost = measureFixedCost();

  const rows: Row[] = [];
  for (const jobs of SIZES) {
    // The first run of each also reads the figures of its app, which are the same on every run.
    const first = [measure(ours, jobs), measure(handWired, jobs), measure(handWiredSameResources, jobs)];
    const [a, b, c]: RunResult[][] = [[first[0]], [first[1]], [first[2]]];
    for (let i = 1; i < runsAt(jobs); i++) {
      a.push(run(ours, jobs));
      b.push(run(handWired, jobs));
      c.push(run(handWiredSameResources, jobs));
    }
    const heap = peakHeapBytes(['ours', 'handWired'], jobs);
    const row: Row = {
      jobs,
      ours: summarize(a, first[0].figures, heap.ours),
      handWired: summarize(b, first[1].figures, heap.handWired),
      handWiredSameResources: summarize(c, first[2].figures),
      // The feature flag `cdk init` sets: statements with the same actions are merged.
      oursMinimized: measure(ours, jobs, { '@aws-cdk/aws-iam:minimizePolicies': true }).figures,
    };
    rows.push(row);
    console.log(`N=${jobs}: ours ${row.ours.totalMs.toFixed(0)} ms, hand-wired ${row.handWired.totalMs.toFixed(0)} ms, `
      + `${row.ours.figures.resources} / ${row.handWired.figures.resources} resources`);
  }

  const otherCpu = otherCpuDuringRuns();
  const { rows: firstSynths, rounds: firstSynthRuns } = measureFirstSynths();

  const jobDetail = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'job-detail.json'), 'utf8'));
  const payload = { full: payloadBytes(jobDetail), compact: payloadBytes(compactResult(jobDetail)) };
  // From process start: ts-node's compilation counts too.
  const wallSeconds = process.uptime();

  const markdown = renderMarkdown({
    rows, fixedCost, firstSynths, firstSynthRuns, payload, runs: RUNS, wallSeconds, otherCpu,
  });
  const out = path.join(__dirname, '..', 'docs', 'benchmarks.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, markdown);
  console.log(markdown);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

/** Each step from hand-wired to ours at one job, alternating the steps as above. */
function measureFixedCost(): FixedCostStep[] {
  const times: number[][] = FIXED_COST_STEPS.map(() => []);
  for (let i = 0; i < runsAt(1); i++) {
    FIXED_COST_STEPS.forEach(([, topology], step) => times[step].push(run(topology, 1).totalMs));
  }
  return FIXED_COST_STEPS.map(([label, topology], step) => ({
    label,
    totalMs: median(times[step]),
    resources: measure(topology, 1).figures.resources,
  }));
}

/**
 * Ours and hand-wired, each synthesized in fresh processes, alternating, in rounds over every N:
 * after the first round, as many more as its time says fit in the budget, up to FIRST_SYNTH_RUNS.
 */
function measureFirstSynths(): { rows: FirstSynthRow[]; rounds: number } {
  const runs = SIZES.map(() => ({ ours: [] as FirstSynth[], handWired: [] as FirstSynth[] }));
  const round = () => SIZES.forEach((jobs, i) => {
    runs[i].ours.push(firstSynth('ours', jobs));
    runs[i].handWired.push(firstSynth('handWired', jobs));
  });
  const start = process.uptime();
  round();
  const roundSeconds = process.uptime() - start;
  const more = Math.max(0, Math.min(FIRST_SYNTH_RUNS - 1, Math.floor((BUDGET_SECONDS - process.uptime()) / roundSeconds)));
  for (let i = 0; i < more; i++) { round(); }

  const medians = (of: FirstSynth[]): FirstSynth => ({
    totalMs: median(of.map((r) => r.totalMs)),
    processMs: median(of.map((r) => r.processMs)),
  });
  const rows = SIZES.map((jobs, i) => ({ jobs, ours: medians(runs[i].ours), handWired: medians(runs[i].handWired) }));
  for (const row of rows) {
    console.log(`N=${row.jobs}, fresh processes (${1 + more}): ours ${row.ours.totalMs.toFixed(0)} ms, hand-wired ${row.handWired.totalMs.toFixed(0)} ms`);
  }
  return { rows, rounds: 1 + more };
}

function summarize(results: RunResult[], figures: Figures, heapBytes?: number) {
  return {
    totalMs: median(results.map((r) => r.totalMs)),
    quartilesMs: [quantile(results.map((r) => r.totalMs), 0.25), quantile(results.map((r) => r.totalMs), 0.75)] as const,
    synthMs: median(results.map((r) => r.synthMs)),
    heapBytes,
    figures,
  };
}

main();
