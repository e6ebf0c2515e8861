/**
 * The main job, run locally: synthesizes the pipeline example, deploys it to local-aws (moto
 * 5.2.1 with the patches of local-aws/, on 127.0.0.1), runs one execution and prints its trace:
 * each state entered and exited, the Batch jobs with their status, durations, and the output.
 *
 *     ts-node --project tsconfig.dev.json examples/demo-run.ts [--fail-jobs]
 *
 * `--fail-jobs` starts the emulator with every Batch job failing, to show the failure handling.
 * Exits 0 when the execution succeeds, 1 when it does not, 2 when local-aws cannot run here.
 * The emulator is stopped in every case, also on Ctrl-C.
 */
import { DescribeExecutionCommand, HistoryEvent, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { pipelineApp } from './pipeline';
import {
  deployStack,
  executionHistory,
  LocalAws,
  localAwsAvailable,
  localClientConfig,
  REQUIRED_MOTO_VERSION,
  startLocalAws,
} from '../local-aws/harness';

const EXECUTION_TIMEOUT_MS = 120_000;

async function main(): Promise<number> {
  const failJobs = process.argv.includes('--fail-jobs');
  const available = localAwsAvailable();
  if (!available.ok) {
    console.error(`local-aws cannot run: ${available.reason}`);
    console.error(`Install python3 and moto: pip install 'moto[server]==${REQUIRED_MOTO_VERSION}'`);
    return 2;
  }

  const stack = pipelineApp().synth().stacks[0];
  console.log(`Synthesized ${stack.stackName}: ${Object.keys(stack.template.Resources).length} resources`);

  let server: LocalAws | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping local-aws`);
    void (server?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startLocalAws({ failJobs });
    console.log(`local-aws (moto ${REQUIRED_MOTO_VERSION}) on ${server.endpoint}${failJobs ? ', every Batch job fails' : ''}`);
    const deployed = await deployStack(server.endpoint, stack.stackName, stack.template);
    const [stateMachineId] = Object.entries<any>(stack.template.Resources)
      .find(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')!;
    const stateMachineArn = deployed.physicalIds[stateMachineId];
    console.log(`Deployed ${stack.stackName} (CREATE_COMPLETE); state machine ${stateMachineArn}\n`);

    const status = await runAndTrace(server.endpoint, stateMachineArn);
    return status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await server?.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Starts an execution and prints its history as it grows; returns the final status. */
async function runAndTrace(endpoint: string, stateMachineArn: string): Promise<string> {
  const sfn = new SFNClient(localClientConfig(endpoint));
  try {
    const input = {};
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    console.log(`Execution ${executionArn}`);
    console.log(`  input: ${JSON.stringify(input)}`);
    const trace = new Trace();
    const deadline = Date.now() + EXECUTION_TIMEOUT_MS;
    for (;;) {
      const { status, output, error, cause } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      trace.print(await executionHistory(sfn, executionArn!));
      if (status !== 'RUNNING') {
        console.log(`\nExecution ${status} in ${trace.elapsed()}`);
        if (output !== undefined) console.log(`Output:\n${JSON.stringify(JSON.parse(output), undefined, 2)}`);
        if (error !== undefined) console.log(`Error: ${error}`);
        if (cause !== undefined) console.log(`Cause:\n${pretty(cause)}`);
        return status!;
      }
      if (Date.now() > deadline) throw new Error(`execution still RUNNING after ${EXECUTION_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    sfn.destroy();
  }
}


/** Prints each history event once, as a readable line. */
class Trace {
  private printed = new Set<number>();
  private entered = new Map<string, Date>();
  private start?: Date;
  private end?: Date;

  public print(events: HistoryEvent[]): void {
    for (const event of events) {
      if (this.printed.has(event.id!)) continue;
      this.printed.add(event.id!);
      const line = this.describe(event);
      if (line) console.log(`  ${this.offset(event.timestamp!)}  ${line}`);
    }
  }

  public elapsed(): string {
    return this.start && this.end ? ms(this.end.getTime() - this.start.getTime()) : '?';
  }

  private offset(at: Date): string {
    this.start ??= at;
    this.end = at;
    return `+${ms(at.getTime() - this.start.getTime())}`.padStart(8);
  }

  private describe(e: HistoryEvent): string | undefined {
    if (e.stateEnteredEventDetails) {
      this.entered.set(e.stateEnteredEventDetails.name!, e.timestamp!);
      return `-> ${e.stateEnteredEventDetails.name} (${(e.type ?? '').replace(/StateEntered$/, '')})`;
    }
    if (e.stateExitedEventDetails) {
      const name = e.stateExitedEventDetails.name!;
      const since = this.entered.get(name);
      return `<- ${name}${since ? ` after ${ms(e.timestamp!.getTime() - since.getTime())}` : ''}`;
    }
    if (e.taskSubmittedEventDetails?.resourceType === 'batch') {
      const job = JSON.parse(e.taskSubmittedEventDetails.output ?? '{}');
      return `   Batch job ${job.JobName} submitted: ${job.JobId}`;
    }
    if (e.taskSucceededEventDetails) {
      const d = e.taskSucceededEventDetails;
      if (d.resourceType === 'batch') return `   Batch job ${jobLine(JSON.parse(d.output ?? '{}'))}`;
      return `   ${d.resourceType}:${d.resource} succeeded: ${d.output}`;
    }
    if (e.taskFailedEventDetails) {
      const d = e.taskFailedEventDetails;
      if (d.resourceType === 'batch') {
        try {
          return `   Batch job ${jobLine(JSON.parse(d.cause ?? '{}'))} -> ${d.error}`;
        } catch {
          // not a job description: fall through
        }
      }
      return `   ${d.resourceType}:${d.resource} failed: ${d.error} ${d.cause ?? ''}`;
    }
    if (e.executionStartedEventDetails) return 'execution started';
    if (e.executionFailedEventDetails) return `execution FAILED: ${e.executionFailedEventDetails.error}`;
    if (e.type === 'ExecutionSucceeded') return 'execution SUCCEEDED';
    return undefined;
  }
}

/** One job (full DescribeJobs detail or a compact summary) as a line. */
function jobLine(job: any): string {
  const timing = job.StartedAt && job.StoppedAt ? `, ran ${ms(job.StoppedAt - job.StartedAt)}` : '';
  const exitCode = job.Container?.ExitCode ?? job.ExitCode;
  const details = [
    job.StatusReason,
    exitCode !== undefined ? `exit code ${exitCode}` : undefined,
    job.ArraySize !== undefined || job.ArrayProperties ? `array of ${job.ArraySize ?? job.ArrayProperties.Size}` : undefined,
    job.LogStreamName ?? job.Container?.LogStreamName,
  ].filter((d) => d !== undefined);
  return `${job.JobName} ${job.JobId}: ${job.Status}${timing}${details.length ? ` (${details.join('; ')})` : ''}`;
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), undefined, 2);
  } catch {
    return text;
  }
}

function ms(n: number): string {
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
