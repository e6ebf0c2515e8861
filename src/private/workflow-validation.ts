import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { checkSeconds, conflict, exactlyOne } from './checks';
import { BatchValidationError, fmt, invalid } from './errors';
import { EXPRESS_EXECUTION_MAX_SECONDS, JOB_NAME_MAX_LENGTH } from './limits';
import type { BatchJob } from '../batch-job';
import type { BatchWorkflowProps } from '../batch-workflow';
import { SubmitJob } from '../submit-job';

/** Checks the props of a BatchWorkflow that decide its shape. */
export function validateWorkflowProps(props: BatchWorkflowProps): void {
  exactlyOne(['definition', 'states of your own', props.definition], ['job', 'one job', props.job]);
  if (props.definition !== undefined) {
    const oneJobProps = {
      jobName: props.jobName,
      jobParameters: props.jobParameters,
      containerOverrides: props.containerOverrides,
      shareIdentifier: props.shareIdentifier,
      schedulingPriorityOverride: props.schedulingPriorityOverride,
    };
    const given = Object.entries(oneJobProps).find(([, value]) => value !== undefined);
    if (given) {
      throw new BatchValidationError(`\`${given[0]}\` cannot be used with \`definition\`: it configures the job of a one-job workflow (\`job\`); `
        + 'set it on your SubmitJob task instead');
    }
  }
  checkSeconds('timeout', props.timeout, 1);
  const seconds = props.timeout !== undefined && !props.timeout.isUnresolved() ? props.timeout.toSeconds() : undefined;
  if (props.stateMachineType === sfn.StateMachineType.EXPRESS && seconds !== undefined && seconds > EXPRESS_EXECUTION_MAX_SECONDS) {
    invalid('timeout', `must be at most ${fmt(EXPRESS_EXECUTION_MAX_SECONDS)} seconds for an Express state machine, whose executions `
      + 'run five minutes at most', `${fmt(seconds)} seconds`);
  }
  if (props.logGroup !== undefined && props.logRetention !== undefined) {
    conflict('logRetention', 'logGroup', 'the retention of a given log group is its own');
  }
  if (props.notificationTopic !== undefined && props.createNotificationTopic) {
    throw new BatchValidationError('`notificationTopic` cannot be used with `createNotificationTopic`: give a topic, or ask for one to be created');
  }
  if (props.handleFailures === false && (props.notificationTopic !== undefined || props.createNotificationTopic)) {
    throw new BatchValidationError('`handleFailures: false` cannot be used with a notification topic: failures are notified by the failure handling');
  }
}

/**
 * Warns on a one-job workflow whose job may run longer, over all its attempts, than the execution
 * may: Step Functions then stops the execution and its job, and no catch runs, so the failure
 * handling publishes no summary. Time the job waits in the queue is not counted.
 */
export function warnIfJobOutlastsTimeout(workflow: IConstruct, job: BatchJob, timeout: Duration, handlesFailures: boolean): void {
  const { retryAttempts, timeout: attemptTimeout } = job.jobDefinition;
  const attempts = retryAttempts ?? 1;
  if (attemptTimeout === undefined || attemptTimeout.isUnresolved() || timeout.isUnresolved() || Token.isUnresolved(attempts)) { return; }
  const running = Duration.seconds(attemptTimeout.toSeconds() * attempts);
  if (running.toSeconds() <= timeout.toSeconds()) { return; }
  const unhandled = handlesFailures ? ', and no failure handling runs for it: no BatchJobFailed summary, no notification' : '';
  Annotations.of(workflow).addWarningV2('cdk-batch-stepfunctions:jobOutlastsTimeout',
    `The job may run for ${running.toHumanString()} (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} of `
    + `${attemptTimeout.toHumanString()}, not counting time in the queue), longer than the workflow's \`timeout\` of `
    + `${timeout.toHumanString()}. An execution that times out is stopped with its job${unhandled}. Give the workflow a \`timeout\` `
    + `of at least ${running.toHumanString()}, or the job a shorter \`timeout\` or fewer \`attempts\`.`);
}

/**
 * aws-cdk-lib's error for two states of one name in a state machine, explained when the name is one
 * the failure handling gives a state of its own: the user did not name those states, so the plain
 * error would point at a Parallel state they never created. Undefined for any other error.
 */
export function failureStateNameCollision(error: unknown, ownNames: string[]): BatchValidationError | undefined {
  if (!(error instanceof Error) || error.name !== 'DuplicateStateId') { return undefined; }
  const name = /^State with name '(.*)' occurs in both /.exec(error.message)?.[1];
  if (name === undefined || !ownNames.includes(name)) { return undefined; }
  return new BatchValidationError(`\`definition\` has a state named '${name}', a name the failure handling of BatchWorkflow `
    + `gives one of its own states (${ownNames.join(', ')}); state names must be unique in a state machine. `
    + 'Rename your state (its construct id, or `stateName`), or set `handleFailures: false`');
}

/**
 * aws-cdk-lib's error for a state used in two state graphs, explained: every BatchWorkflow wraps a
 * definition in a Parallel state named `Run`, so the plain error names the same `Run` twice when
 * a state is given to two workflows. Undefined for any other error.
 */
export function stateOfAnotherWorkflow(error: unknown): BatchValidationError | undefined {
  if (!(error instanceof Error) || error.name !== 'StateAlreadyInGraph') { return undefined; }
  const name = /^Trying to use state '(.*)' in /.exec(error.message)?.[1];
  if (name === undefined) { return undefined; }
  return new BatchValidationError(`\`definition\` has the state '${name}', which is in the definition of another state machine `
    + 'already: a state belongs to one state machine. Create the state again (a new SubmitJob, say) for each workflow');
}

/**
 * The job name of a one-job workflow that gives none: its construct id, with characters other than
 * letters, digits, `-` and `_` replaced by `-`, leading ones dropped, and at most 128 characters.
 */
export function jobNameFromId(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[-_]+/, '').slice(0, JOB_NAME_MAX_LENGTH);
  return name === '' ? 'job' : name;
}

/**
 * The SubmitJob tasks reachable from the start of a chain, error handlers included. States inside
 * Parallel and Map states are not reachable this way.
 */
export function submitJobsOf(chain: sfn.IChainable): SubmitJob[] {
  return sfn.State.findReachableStates(chain.startState, { includeErrorHandlers: true })
    .filter((state): state is SubmitJob => state instanceof SubmitJob);
}

/**
 * The names of the states, nested ones included, that run a Batch job and wait for it (`.sync`),
 * read from the state machine's rendered definition.
 */
export function syncBatchStates(stateMachine: sfn.StateMachine): string[] {
  const resource = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const definition = JSON.parse(joinedText(Stack.of(stateMachine).resolve(resource.definitionString)));
  const found: string[] = [];
  const visit = (graph: any) => {
    for (const [name, state] of Object.entries<any>(graph?.States ?? {})) {
      if (typeof state.Resource === 'string' && state.Resource.endsWith(':states:::batch:submitJob.sync')) { found.push(name); }
      for (const branch of state.Branches ?? []) { visit(branch); }
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition);
  return found;
}

/**
 * A rendered definition as JSON text: each value known only at deploy time becomes `X` inside a
 * string and `0` elsewhere (a number, such as a timeout from a `CfnParameter`), so the text parses.
 */
function joinedText(value: any): string {
  if (typeof value === 'string') { return value; }
  if (value?.['Fn::Join'] === undefined) { return '0'; }
  const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
  const text = new JsonText();
  parts.forEach((part, i) => {
    if (i > 0) { text.append(separator); }
    text.append(typeof part === 'string' ? part : (text.inString ? 'X' : '0'));
  });
  return text.toString();
}

/** JSON text built piece by piece, knowing at each point whether it is inside a string. */
class JsonText {
  public inString = false;
  private escaped = false;
  private readonly pieces: string[] = [];

  public append(piece: string): void {
    this.pieces.push(piece);
    for (const c of piece) {
      if (this.escaped) {
        this.escaped = false;
      } else if (this.inString && c === '\\') {
        this.escaped = true;
      } else if (c === '"') {
        this.inString = !this.inString;
      }
    }
  }

  public toString(): string { return this.pieces.join(''); }
}
