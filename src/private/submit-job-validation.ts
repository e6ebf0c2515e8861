import { Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { checkEnvironmentNames, checkMin, checkRetryCondition, checkSeconds, exactlyOne, mebibytes, wholeMebibytes } from './checks';
import { BatchValidationError, characters, checkCount, checkLength, checkRange, fmt, invalid } from './errors';
import * as limits from './limits';
import { containsJsonPath, isJsonata } from './state-input';
import { jobTags } from './submit-job-render';
import { ContainerOverrides, EvaluateOnExit, JobDependency, JobDependencyType } from '../container-overrides';
import { JobOutput } from '../job-output';
import type { SubmitJobProps } from '../submit-job';

/** What validation learns about the props, besides that they are valid. */
export interface ValidatedSubmitJob {
  readonly integrationPattern: sfn.IntegrationPattern;
  /** True when the job is tagged, so the role needs `batch:TagResource`. */
  readonly tagging: boolean;
}

/**
 * Checks every SubmitJob property against the limits of AWS Batch. Unresolved tokens (values
 * from the state input, or known only at deploy time) are skipped, unless their type alone is
 * wrong there (a number or list token for a job parameter, which is a string).
 */
export function validateSubmitJob(props: SubmitJobProps): ValidatedSubmitJob {
  const integrationPattern = props.integrationPattern ?? sfn.IntegrationPattern.RUN_JOB;
  if (integrationPattern === sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
    throw new BatchValidationError('`integrationPattern` must be RUN_JOB (.sync) or REQUEST_RESPONSE, got WAIT_FOR_TASK_TOKEN: '
      + 'the AWS Batch integration of Step Functions does not support the callback pattern');
  }

  if (props.output === JobOutput.COMPACT && integrationPattern !== sfn.IntegrationPattern.RUN_JOB) {
    invalid('output', 'must be FULL or not given with integrationPattern REQUEST_RESPONSE, which outputs the job\'s ARN, name and ID '
      + 'as SubmitJob returns them: COMPACT selects from the finished job, which only RUN_JOB (.sync) waits for', 'COMPACT');
  }
  for (const [other, value] of [['resultSelector', props.resultSelector], ['outputs', props.outputs]] as const) {
    if (props.output !== undefined && value !== undefined) {
      throw new BatchValidationError(`Give only one of \`output\` and \`${other}\`, got both`);
    }
  }

  const target = 'by name, by ARN, or from the state input';
  exactlyOne(['jobQueue', 'a construct', props.jobQueue], ['jobQueueTarget', target, props.jobQueueTarget]);
  exactlyOne(['jobDefinition', 'a construct', props.jobDefinition], ['jobDefinitionTarget', target, props.jobDefinitionTarget]);

  checkJobName(props.jobName);
  checkParameters(props.parameters);
  checkRange('arraySize', props.arraySize, limits.ARRAY_SIZE_MIN, limits.ARRAY_SIZE_MAX);
  checkDependsOn(props.dependsOn, props.arraySize);
  checkRange('attempts', props.attempts, limits.ATTEMPTS_MIN, limits.ATTEMPTS_MAX);
  checkEvaluateOnExit(props);
  checkSeconds('attemptTimeout', props.attemptTimeout, limits.ATTEMPT_TIMEOUT_MIN_SECONDS);
  checkContainerOverrides(props.containerOverrides);
  checkTags(props.tags);
  checkShareIdentifier(props.shareIdentifier);
  checkRange('schedulingPriorityOverride', props.schedulingPriorityOverride, limits.SCHEDULING_PRIORITY_MIN, limits.SCHEDULING_PRIORITY_MAX);

  return { integrationPattern, tagging: jobTags(props.tags) !== undefined || props.propagateTags === true };
}

function checkJobName(jobName: string): void {
  if (jobName === undefined) { throw new BatchValidationError('`jobName` is required, got nothing'); }
  if (!literal(jobName)) { return; }
  checkLength('jobName', jobName, 1, limits.JOB_NAME_MAX_LENGTH);
  if (!limits.JOB_NAME_PATTERN.test(jobName)) {
    invalid('jobName', 'must start with a letter or number and contain only letters, numbers, hyphens and underscores', JSON.stringify(jobName));
  }
}

function checkShareIdentifier(shareIdentifier: string | undefined): void {
  if (literal(shareIdentifier) && !limits.SHARE_IDENTIFIER_PATTERN.test(shareIdentifier)) {
    invalid('shareIdentifier', `must be 1 to ${limits.SHARE_IDENTIFIER_MAX_LENGTH} letters and digits, optionally followed by \`*\``,
      JSON.stringify(shareIdentifier));
  }
}

function checkEvaluateOnExit(props: SubmitJobProps): void {
  const conditions = props.evaluateOnExit;
  if (conditions === undefined) { return; }
  if (Token.isUnresolved(conditions)) {
    invalid('evaluateOnExit', 'must be a list of conditions written in the app', 'a list from the state input or a token');
  }
  checkCount('evaluateOnExit', conditions, limits.EVALUATE_ON_EXIT_MAX);
  if (props.attempts === undefined) {
    throw new BatchValidationError('`evaluateOnExit` needs `attempts`: Batch reads both from one retry strategy, got `evaluateOnExit` alone');
  }
  conditions.forEach((condition: EvaluateOnExit, i) => checkRetryCondition(`evaluateOnExit[${i}]`, condition, literal));
}

function checkContainerOverrides(overrides?: ContainerOverrides): void {
  if (overrides === undefined) { return; }
  checkPositive('containerOverrides.vcpus', overrides.vcpus);
  checkMin('containerOverrides.gpuCount', overrides.gpuCount, 1);
  if (overrides.memory !== undefined) {
    const mib = overrides.memory.isUnresolved()
      ? mebibytes('containerOverrides.memory', overrides.memory)
      : wholeMebibytes('containerOverrides.memory', overrides.memory);
    if (!Token.isUnresolved(mib) && mib < limits.CONTAINER_MEMORY_MIN_MIB) {
      invalid('containerOverrides.memory', `must be at least ${fmt(limits.CONTAINER_MEMORY_MIN_MIB)} MiB`, `${fmt(mib)} MiB`);
    }
  }
  const command = overrides.command;
  if (command !== undefined && !Token.isUnresolved(command) && command.includes('')) {
    invalid('containerOverrides.command', 'must not contain empty strings, which Batch rejects', `"" at index ${command.indexOf('')}`);
  }
  const fromInput = command !== undefined && !Token.isUnresolved(command) ? command.findIndex(containsJsonPath) : -1;
  if (fromInput >= 0) {
    invalid('containerOverrides.command', 'must be literal strings, the list at a JSONPath (sfn.JsonPath.listAt) or an array built from the '
      + 'state input (Token.asList(sfn.JsonPath.array(...))), since Step Functions reads no JSONPath inside a list',
    `a JSONPath at index ${fromInput}`);
  }
  if (overrides.environment !== undefined && Token.isUnresolved(overrides.environment)) {
    invalid('containerOverrides.environment', 'must be a map of names to values written in the app (each value may come from '
      + 'the state input)', 'a map from the state input or a token');
  }
  checkEnvironmentNames('containerOverrides.environment', overrides.environment);
  checkOverridesLength(overrides);
}

/**
 * ECS limits the container overrides of a task to 8,192 characters of JSON, and Batch passes a
 * job's command and environment there, with variables of its own: static ones longer than that fail
 * the job when it starts. Only overrides known whole at synth are measured.
 */
function checkOverridesLength(overrides: ContainerOverrides): void {
  const command = overrides.command ?? [];
  if (Token.isUnresolved(command)) { return; }
  // An environment given whole as a token was refused before this.
  const entries = Object.entries(overrides.environment ?? {});
  if ([...command, ...entries.flat()].some((text) => Token.isUnresolved(text) || isJsonata(text))) { return; }
  const length = characters(JSON.stringify({ command, environment: entries.map(([name, value]) => ({ name, value })) }));
  if (length > limits.CONTAINER_OVERRIDES_MAX_LENGTH) {
    invalid('containerOverrides', `must have a command and environment of at most ${fmt(limits.CONTAINER_OVERRIDES_MAX_LENGTH)} `
      + 'characters as JSON, as ECS receives them (Batch adds variables of its own), or the job fails when it starts with '
      + '"Container Overrides length must be at most 8192": pass large values in a file, such as an S3 object',
    `${fmt(length)} characters`);
  }
}

/**
 * Batch's job parameters are a map of strings: static text that is not a JSONata expression, or
 * an object with values other than strings, would be rejected when the state runs.
 */
function checkParameters(parameters: sfn.TaskInput | undefined): void {
  if (parameters === undefined || Token.isUnresolved(parameters.value)) { return; }
  if (parameters.type === sfn.InputType.TEXT && !isJsonata(parameters.value)) {
    invalid('parameters', 'must be an object of strings (sfn.TaskInput.fromObject), an object of the state input '
      + '(sfn.TaskInput.fromJsonPathAt) or, in a JSONata state, an expression (`{% ... %}`)', `the text ${JSON.stringify(parameters.value)}`);
  }
  if (parameters.type !== sfn.InputType.OBJECT) { return; }
  for (const [name, value] of Object.entries<unknown>(parameters.value)) {
    const property = `parameters[${JSON.stringify(name)}]`;
    if ((typeof value === 'number' || Array.isArray(value)) && Token.isUnresolved(value)) {
      // sfn.JsonPath.numberAt or listAt, or a number or list known at deploy time: rendered as it is, not a string.
      const [what, wayOut] = typeof value === 'number'
        ? ['number', 'sfn.JsonPath.format(\'{}\', sfn.JsonPath.stringAt(PATH)) makes one of a number of the state input, Token.asString(...) of a deploy-time number']
        : ['list', 'sfn.JsonPath.jsonToString(sfn.JsonPath.listAt(PATH)) makes one of a list of the state input, as JSON text'];
      invalid(property, `must be a string, since Batch's job parameters are strings: ${wayOut}`, `a ${what} token`);
    }
    if (typeof value !== 'string' && !Token.isUnresolved(value)) {
      invalid(property, 'must be a string, since Batch\'s job parameters are strings', JSON.stringify(value));
    }
  }
}

function checkPositive(property: string, value: number | undefined, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) { return; }
  if (!(value > 0)) { invalid(property, 'must be positive', `${value}${unit}`); }
}

function checkTags(tags?: { [key: string]: string }): void {
  if (tags === undefined || Token.isUnresolved(tags)) { return; }
  const keys = Object.keys(tags);
  checkCount('tags', keys, limits.TAGS_MAX);
  for (const key of keys) {
    if (Token.isUnresolved(key)) { continue; }
    const length = characters(key);
    if (length < 1 || length > limits.TAG_KEY_MAX_LENGTH) {
      invalid('tags', `keys must be 1 to ${limits.TAG_KEY_MAX_LENGTH} characters long`, `${JSON.stringify(key)} (${length})`);
    }
    if (key.toLowerCase().startsWith(limits.TAG_RESERVED_PREFIX)) {
      invalid('tags', `must not have keys starting with ${limits.TAG_RESERVED_PREFIX}, which AWS reserves`, JSON.stringify(key));
    }
    if (literal(tags[key])) { checkLength(`tags[${JSON.stringify(key)}]`, tags[key], 0, limits.TAG_VALUE_MAX_LENGTH); }
  }
}

/** A string written in the app: not a token, and not a JSONata expression evaluated when the state runs. */
function literal(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value) && !isJsonata(value);
}

/**
 * AWS Batch limits the dependencies of one job (the message says how to wait for more jobs). Each
 * names a job, but for a SEQUENTIAL dependency of an array job on itself.
 */
function checkDependsOn(dependsOn: JobDependency[] | undefined, arraySize: number | undefined): void {
  if (dependsOn === undefined) { return; }
  if (Token.isUnresolved(dependsOn)) {
    invalid('dependsOn', 'must be a list of dependencies written in the app (each `jobId` may come from the state input)',
      'a list from the state input or a token');
  }
  if (dependsOn.length > limits.DEPENDS_ON_MAX) {
    throw new BatchValidationError(`\`dependsOn\` must have at most ${fmt(limits.DEPENDS_ON_MAX)} entries (the AWS Batch limit of `
      + `dependencies per job), got ${fmt(dependsOn.length)} entries. To wait for more jobs, depend on one job that itself `
      + `depends on them, in groups of up to ${fmt(limits.DEPENDS_ON_MAX)}, or run them as one array job and depend on that`);
  }
  dependsOn.forEach((dependency, i) => {
    if (dependency.jobId !== undefined) { return; }
    if (dependency.type !== JobDependencyType.SEQUENTIAL) {
      invalid(`dependsOn[${i}].jobId`, 'is required, but for a SEQUENTIAL dependency of an array job on itself', 'none');
    }
    if (arraySize === undefined) {
      invalid(`dependsOn[${i}]`, 'without `jobId` (SEQUENTIAL) makes each child of an array job wait for the one before it, '
        + 'so it needs `arraySize`', 'a single job');
    }
  });
}
