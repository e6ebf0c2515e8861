/// <reference types="node" />
/**
 * local-aws harness: start the patched moto 5.2.1 server (local-aws/launcher.py),
 * deploy CloudFormation templates to it and run Step Functions executions.
 *
 * Used by jest e2e tests and demo scripts (compiled by ts-node / ts-jest, not jsii).
 * Every client uses dummy credentials, region us-east-1 and the local endpoint;
 * nothing here talks to real AWS.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as path from 'path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

export const REQUIRED_MOTO_VERSION = '5.2.1';
export const LOCAL_AWS_REGION = 'us-east-1';
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const LAUNCHER = path.join(__dirname, 'launcher.py');
const READY_LINE = /local-aws ready on (http:\/\/127\.0\.0\.1:(\d+))/;
const STDERR_TAIL_CHARS = 8000;

/** The python3 used to run the launcher (override with LOCAL_AWS_PYTHON). */
function pythonCommand(): string {
  return process.env.LOCAL_AWS_PYTHON || 'python3';
}

/**
 * Settings for every AWS SDK client pointed at local-aws: explicit endpoint, region and dummy
 * credentials, so the SDK never consults the user's credential chain or profile.
 */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_AWS_REGION,
    credentials: LOCAL_AWS_CREDENTIALS,
    maxAttempts: 2,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
  };
}

export interface LocalAwsOptions {
  /** Start the server with --fail-jobs: every AWS Batch job ends FAILED. */
  readonly failJobs?: boolean;
  /** How long to wait for the readiness line (default 30 s). */
  readonly startTimeoutMs?: number;
}

export interface LocalAws {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Last few KB of the server's stderr (tracebacks of 500 errors end up here). */
  stderrTail(): string;
  /** Kill the server's process group and wait until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** Process groups started here, killed on process exit if a caller forgot stop(). */
const running = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Whether python3 with moto 5.2.1 (server extras) is available. Use it to skip e2e tests
 * with a visible reason on machines without it.
 */
export function localAwsAvailable(): { ok: boolean; reason?: string } {
  const probe = spawnSync(
    pythonCommand(),
    ['-c', 'import importlib.metadata as m; import moto.moto_server.werkzeug_app; print(m.version("moto"))'],
    { encoding: 'utf-8', timeout: 30_000 },
  );
  if (probe.error) {
    return { ok: false, reason: `cannot run ${pythonCommand()}: ${probe.error.message}` };
  }
  if (probe.status !== 0) {
    const detail = (probe.stderr || '').trim().split('\n').slice(-1)[0];
    return {
      ok: false,
      reason: `moto[server] is not importable by ${pythonCommand()} (${detail}); install it with: pip install 'moto[server]==${REQUIRED_MOTO_VERSION}'`,
    };
  }
  const version = probe.stdout.trim();
  if (version !== REQUIRED_MOTO_VERSION) {
    return {
      ok: false,
      reason: `moto ${REQUIRED_MOTO_VERSION} is required but ${version} is installed; install it with: pip install 'moto[server]==${REQUIRED_MOTO_VERSION}'`,
    };
  }
  return { ok: true };
}

/** Start `python3 local-aws/launcher.py --port 0` and resolve once it prints its readiness line. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const args = [LAUNCHER, '--port', '0', '--exit-with-stdin'];
  if (options.failJobs) args.push('--fail-jobs');
  const env = { ...process.env };
  delete env.MOTO_PORT;
  delete env.MOTO_SIMPLE_BATCH_FAIL_AFTER;

  // stdin stays open as a pipe: the launcher exits when it closes (i.e. when we die).
  const child: ChildProcess = spawn(pythonCommand(), args, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((resolve) => child.once('error', resolve));
    throw new Error(`local-aws: could not start ${pythonCommand()} ${args.join(' ')}`);
  }
  running.add(pid);
  installExitHook();

  let stderr = '';
  let stdout = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(pid);
    resolve();
  }));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  // Keep draining both pipes for the server's whole life: a full pipe would block it.
  child.stderr!.setEncoding('utf-8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  child.stdout!.setEncoding('utf-8');

  const stop = async (): Promise<void> => {
    if (hasExited) return;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    };
    killGroup('SIGTERM');
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5_000).unref()),
    ]);
    if (timedOut) {
      killGroup('SIGKILL');
      await exited;
    }
    child.stdin?.destroy();
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`local-aws did not become ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout!.on('data', (chunk: string) => {
        stdout = (stdout + chunk).slice(-STDERR_TAIL_CHARS);
        const found = stdout.match(READY_LINE);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`local-aws exited before it was ready (exit code ${child.exitCode}, signal ${child.signalCode})`));
      });
    });
    return {
      endpoint: match[1],
      port: Number(match[2]),
      pid,
      stderrTail: () => stderr,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- local-aws stderr (tail) ---\n${stderr.slice(-3000)}`);
  }
}

export interface DeployedStack {
  readonly stackName: string;
  readonly stackId: string;
  /** Outputs by OutputKey. */
  readonly outputs: Record<string, string>;
  /** Physical resource ids by logical id. */
  readonly physicalIds: Record<string, string>;
}

/** CreateStack and wait for CREATE_COMPLETE; on failure the error lists the stack events' reasons. */
export async function deployStack(
  endpoint: string,
  stackName: string,
  template: object,
  options: { timeoutMs?: number } = {},
): Promise<DeployedStack> {
  const cfn = new CloudFormationClient(localClientConfig(endpoint));
  try {
    let stackId: string | undefined;
    try {
      stackId = (
        await cfn.send(
          new CreateStackCommand({
            StackName: stackName,
            TemplateBody: JSON.stringify(template),
            Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
          }),
        )
      ).StackId;
    } catch (err) {
      // moto creates resources synchronously inside CreateStack: errors surface here (often as HTTP 500).
      // moto's error bodies are often not what the SDK expects (JSON or HTML instead of XML): show them.
      const e = err as Error & { $metadata?: { httpStatusCode?: number }; $responseBodyText?: string };
      const status = e.$metadata?.httpStatusCode;
      const body = e.$responseBodyText ? `\nresponse body: ${e.$responseBodyText.slice(0, 1000)}` : '';
      const hint = status !== undefined && status >= 500
        ? '\n(moto raised: the traceback is in the server\'s stderr, see LocalAws.stderrTail())'
        : '';
      throw new Error(
        `CreateStack ${stackName} failed (HTTP ${status ?? '?'}): ${e.message}${body}${hint}${await stackEventReasons(cfn, stackName)}`,
      );
    }
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
      const status = stack?.StackStatus ?? 'UNKNOWN';
      if (status === 'CREATE_COMPLETE') {
        const outputs: Record<string, string> = {};
        for (const o of stack?.Outputs ?? []) outputs[o.OutputKey!] = o.OutputValue!;
        const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
        const physicalIds: Record<string, string> = {};
        for (const r of resources.StackResources ?? []) physicalIds[r.LogicalResourceId!] = r.PhysicalResourceId!;
        return { stackName, stackId: stackId ?? stack?.StackId ?? '', outputs, physicalIds };
      }
      if (!status.endsWith('_IN_PROGRESS')) {
        throw new Error(
          `stack ${stackName} ended ${status}: ${stack?.StackStatusReason ?? ''}${await stackEventReasons(cfn, stackName)}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`stack ${stackName} still ${status} after timeout`);
      await sleep(250);
    }
  } finally {
    cfn.destroy();
  }
}

async function stackEventReasons(cfn: CloudFormationClient, stackName: string): Promise<string> {
  try {
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }))).StackEvents ?? [];
    const reasons = events
      .filter((e) => e.ResourceStatusReason)
      .map((e) => `  ${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason}`);
    return reasons.length ? `\nstack events:\n${reasons.join('\n')}` : '';
  } catch {
    return '';
  }
}

export interface ExecutionResult {
  readonly executionArn: string;
  readonly status: string;
  /** Parsed JSON output (SUCCEEDED only). */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEvent[];
}

/** StartExecution, poll DescribeExecution until it is no longer RUNNING, then fetch the history. */
export async function runExecution(
  endpoint: string,
  stateMachineArn: string,
  input: unknown = {},
  options: { timeoutMs?: number; name?: string } = {},
): Promise<ExecutionResult> {
  const sfn = new SFNClient(localClientConfig(endpoint));
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name: options.name }),
    );
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') {
        const events = await executionHistory(sfn, executionArn!);
        return {
          executionArn: executionArn!,
          status: d.status!,
          output: d.output !== undefined ? JSON.parse(d.output) : undefined,
          error: d.error,
          cause: d.cause,
          events,
        };
      }
      if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after ${timeoutMs} ms`);
      await sleep(200);
    }
  } finally {
    sfn.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every event of an execution's history, page after page. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
