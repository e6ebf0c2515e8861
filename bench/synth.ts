/**
 * Synth cost and AWS limits as a workflow grows: ours (BatchEnvironment, BatchJob, SubmitJob)
 * against the same topology hand-wired with aws-cdk-lib L2s. Prints a table and writes it to
 * docs/benchmarks.md.
 *
 *   npx projen bench
 *
 * BENCH_SIZES=1,10, BENCH_RUNS=1 and BENCH_FIRST_SYNTH_RUNS=1 make a quick run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { firstSynth, FirstSynth } from './first-synth';
import { compactResult, median, payloadBytes, quantile, run, RunResult } from './measure';
import { peakHeapBytes } from './peak-heap';
import { FirstSynthRow, FixedCostStep, Row, renderMarkdown } from './report';
import { FIXED_COST_STEPS, handWired, handWiredSameResources, ours } from './topologies';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,100,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** Small workflows synthesize in tens of milliseconds, where noise weighs most: run them more. */
const runsAt = (jobs: number) => (jobs <= 10 ? RUNS * 3 : RUNS);
/** Each first synthesis is a process of its own, 2 to 5 seconds: fewer runs keep the bench under 10 minutes. */
const FIRST_SYNTH_RUNS = Number(process.env.BENCH_FIRST_SYNTH_RUNS ?? 5);

function main(): void {
  const loadAtStart = os.loadavg()[0];
  console.log(`warm-up, then ${RUNS} runs each of ours and hand-wired at N = ${SIZES.join(', ')}`);
  run(ours, 10);
  run(handWired, 10);
  run(handWiredSameResources, 10);

  const rows: Row[] = [];
  for (const jobs of SIZES) {
    const a: RunResult[] = [];
    const b: RunResult[] = [];
    const c: RunResult[] = [];
    for (let i = 0; i < runsAt(jobs); i++) {
      a.push(run(ours, jobs));
      b.push(run(handWired, jobs));
      c.push(run(handWiredSameResources, jobs));
    }
    const row: Row = {
      jobs,
      ours: summarize(a, peakHeapBytes('ours', jobs)),
      handWired: summarize(b, peakHeapBytes('handWired', jobs)),
      handWiredSameResources: summarize(c),
      // The feature flag `cdk init` sets: statements with the same actions are merged.
      oursMinimized: run(ours, jobs, { '@aws-cdk/aws-iam:minimizePolicies': true }).figures,
    };
    rows.push(row);
    console.log(`N=${jobs}: ours ${row.ours.totalMs.toFixed(0)} ms, hand-wired ${row.handWired.totalMs.toFixed(0)} ms, `
      + `${row.ours.figures.resources} / ${row.handWired.figures.resources} resources`);
  }

  const fixedCost = measureFixedCost();
  // Before the fresh processes, which load the cores themselves.
  const loadAfterRuns = os.loadavg()[0];
  const firstSynths = SIZES.map(measureFirstSynth);

  const jobDetail = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'job-detail.json'), 'utf8'));
  const payload = { full: payloadBytes(jobDetail), compact: payloadBytes(compactResult(jobDetail)) };
  // From process start: ts-node's compilation counts too.
  const wallSeconds = process.uptime();

  const markdown = renderMarkdown({
    rows, fixedCost, firstSynths, firstSynthRuns: FIRST_SYNTH_RUNS, payload, runs: RUNS, wallSeconds, load: [loadAtStart, loadAfterRuns],
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
    resources: run(topology, 1).figures.resources,
  }));
}

/** Ours and hand-wired, each synthesized in fresh processes, alternating. */
function measureFirstSynth(jobs: number): FirstSynthRow {
  const a: FirstSynth[] = [];
  const b: FirstSynth[] = [];
  for (let i = 0; i < FIRST_SYNTH_RUNS; i++) {
    a.push(firstSynth('ours', jobs));
    b.push(firstSynth('handWired', jobs));
  }
  const medians = (runs: FirstSynth[]): FirstSynth => ({
    totalMs: median(runs.map((r) => r.totalMs)),
    processMs: median(runs.map((r) => r.processMs)),
  });
  const row = { jobs, ours: medians(a), handWired: medians(b) };
  console.log(`N=${jobs}, fresh processes: ours ${row.ours.totalMs.toFixed(0)} ms, hand-wired ${row.handWired.totalMs.toFixed(0)} ms`);
  return row;
}

function summarize(results: RunResult[], heapBytes?: number) {
  return {
    totalMs: median(results.map((r) => r.totalMs)),
    quartilesMs: [quantile(results.map((r) => r.totalMs), 0.25), quantile(results.map((r) => r.totalMs), 0.75)] as const,
    synthMs: median(results.map((r) => r.synthMs)),
    heapBytes,
    figures: results[0].figures,
  };
}

main();
