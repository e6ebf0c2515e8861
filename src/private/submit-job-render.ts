import { IResolvable, IResolveContext, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { BatchValidationError } from './errors';
import { isJsonata } from './state-input';
import type { ContainerOverrides } from '../container-overrides';
import type { SubmitJobOptions } from '../submit-job';

/**
 * The SubmitJob request in the PascalCase of Step Functions' Batch integration. Absent values
 * are `undefined` and drop out of the rendered state.
 */
export function renderSubmitJobParameters(props: SubmitJobOptions, jobQueue: string, jobDefinition: string): { [key: string]: any } {
  const retry = props.attempts !== undefined || props.evaluateOnExit !== undefined;
  return {
    JobDefinition: jobDefinition,
    JobName: props.jobName,
    JobQueue: jobQueue,
    Parameters: props.parameters?.value,
    ArrayProperties: props.arraySize !== undefined ? { Size: props.arraySize } : undefined,
    ContainerOverrides: renderContainerOverrides(props.containerOverrides),
    DependsOn: props.dependsOn?.map((d) => ({ JobId: d.jobId, Type: d.type })),
    RetryStrategy: retry ? {
      Attempts: props.attempts,
      EvaluateOnExit: props.evaluateOnExit?.map((e) => ({
        Action: e.action,
        OnExitCode: e.onExitCode,
        OnReason: e.onReason,
        OnStatusReason: e.onStatusReason,
      })),
    } : undefined,
    Timeout: props.attemptTimeout !== undefined ? { AttemptDurationSeconds: props.attemptTimeout.toSeconds() } : undefined,
    Tags: jobTags(props.tags),
    PropagateTags: props.propagateTags,
    ShareIdentifier: props.shareIdentifier,
    SchedulingPriorityOverride: props.schedulingPriorityOverride,
  };
}

/** The tags of the job: none for an empty map, which Batch does not take. */
export function jobTags(tags: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  return tags !== undefined && !Token.isUnresolved(tags) && Object.keys(tags).length === 0 ? undefined : tags;
}

function renderContainerOverrides(overrides?: ContainerOverrides): { [key: string]: any } | undefined {
  if (overrides === undefined) { return undefined; }
  const requirements = [
    requirement('VCPU', overrides.vcpus),
    requirement('MEMORY', overrides.memory?.toMebibytes()),
    requirement('GPU', overrides.gpuCount),
  ].filter((r) => r !== undefined);
  return {
    Command: overrides.command,
    Environment: overrides.environment !== undefined
      ? Object.entries(overrides.environment).map(([Name, Value]) => ({ Name, Value }))
      : undefined,
    InstanceType: overrides.instanceType?.toString(),
    ResourceRequirements: requirements.length > 0 ? requirements : undefined,
  };
}

/**
 * Batch takes resource amounts as strings. A number from the state input (a JSONPath, or an
 * intrinsic function such as `States.MathAdd` or `States.ArrayLength`) is turned into a string with
 * `States.Format`, the result of a JSONata expression with `$string`.
 */
function requirement(type: string, value?: number) {
  if (value === undefined) { return undefined; }
  if (!Token.isUnresolved(value)) { return { Type: type, Value: String(value) }; }
  // The expression Step Functions evaluates, as aws-cdk-lib renders the number in a `.$` field:
  // the whole of it, not only the paths it reads.
  const expression = sfn.FieldUtils.renderObject({ value })?.['value.$'];
  if (typeof expression === 'string') {
    return { Type: type, Value: sfn.JsonPath.format('{}', sfn.JsonPath.stringAt(expression)) };
  }
  return { Type: type, Value: Token.asString(new AmountText(value)) };
}

/** A resource amount known at deploy or run time, as the string Batch takes. */
class AmountText implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(private readonly amount: number) {}

  public resolve(context: IResolveContext): any {
    const resolved = context.resolve(this.amount);
    return isJsonata(resolved) ? `{% $string(${resolved.slice(2, -2).trim()}) %}` : context.resolve(Tokenization.stringifyNumber(this.amount));
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * Fails when a value is written in the other query language than the state's: a JSONata
 * expression in a JSONPath state would be sent to Batch as text, and a JSONPath reference in a
 * JSONata state would be sent as the path itself.
 *
 * `ownValues` are values of the parameters that are the ARN or name of a job queue or job
 * definition this app declares (`ownResource` of permission-scope): a reference to the resource, or a literal name,
 * and never JSONata. They are not resolved, which would take most of the check's time. An imported
 * queue's or definition's ARN is resolved and checked like any value.
 */
export function checkQueryLanguage(scope: IConstruct, queryLanguage: sfn.QueryLanguage, parameters: object, ownValues: unknown[] = []): void {
  const path = scope.node.path;
  // Each finding names the SubmitJob parameter it is in (`JobName`, `ContainerOverrides`, ...).
  const found = (inParameter: (value: unknown) => string[], values: object = parameters) => Object.entries(values)
    .flatMap(([name, value]) => inParameter(value).map((text) => `${text} in ${name.replace(/\.\$$/, '')}`));
  if (queryLanguage === sfn.QueryLanguage.JSONATA) {
    const paths = found((value) => [...sfn.FieldUtils.findReferencedPaths({ value })]);
    if (paths.length > 0) {
      throw new BatchValidationError(`${path}: the state uses JSONata, so values from the state input must be JSONata expressions `
        + `such as '{% $states.input.x %}', got JSONPath ${paths.join(', ')}`);
    }
    return;
  }
  // Resolved, so that numbers (`Token.asNumber('{% ... %}')`) and resource amounts are seen as the text they render.
  const toResolve = Object.fromEntries(Object.entries(parameters).filter(([, value]) => !ownValues.includes(value)));
  const expressions = found(jsonataStrings, Stack.of(scope).resolve(toResolve));
  if (expressions.length > 0) {
    throw new BatchValidationError(`${path}: the state uses JSONPath, so values from the state input must be sfn.JsonPath references `
      + `(or create the task with SubmitJob.jsonata), got JSONata ${expressions.join(', ')}`);
  }
}

function jsonataStrings(value: unknown): string[] {
  if (isJsonata(value)) { return [value as string]; }
  if (Array.isArray(value)) { return value.flatMap(jsonataStrings); }
  if (value !== null && typeof value === 'object') { return Object.values(value).flatMap(jsonataStrings); }
  return [];
}

/**
 * The compact output of a finished job: a `ResultSelector` in JSONPath, `Output` in JSONata.
 *
 * A JSONPath to a missing field fails the state, so in JSONPath the status reason and log stream
 * are read only when the job is known to have them: a container job that logs with `awslogs`.
 * JSONata leaves a missing field out.
 */
export function renderCompactOutput(queryLanguage: sfn.QueryLanguage, job: { arrayJob: boolean; awsLogs: boolean }): { [key: string]: any } {
  // [output field, path in the DescribeJobs job, JSONata expression]
  const fields: Array<[string, string, string]> = [
    ['JobId', '$.JobId', '$states.result.JobId'],
    ['JobName', '$.JobName', '$states.result.JobName'],
    ['Status', '$.Status', '$states.result.Status'],
  ];
  if (job.arrayJob) {
    fields.push(
      ['ArraySize', '$.ArrayProperties.Size', '$states.result.ArrayProperties.Size'],
      ['StatusSummary', '$.ArrayProperties.StatusSummary', '$states.result.ArrayProperties.StatusSummary'],
    );
  } else if (job.awsLogs || queryLanguage === sfn.QueryLanguage.JSONATA) {
    fields.push(
      ['StatusReason', '$.StatusReason', '$states.result.StatusReason'],
      ['Attempts', 'States.ArrayLength($.Attempts)', '$count($states.result.Attempts)'],
      ['LogStreamName', '$.Container.LogStreamName', '$states.result.Container.LogStreamName'],
    );
  }
  if (queryLanguage === sfn.QueryLanguage.JSONATA) {
    return { Output: `{% { ${fields.map(([name, , expression]) => `'${name}': ${expression}`).join(', ')} } %}` };
  }
  return { ResultSelector: Object.fromEntries(fields.map(([name, path]) => [`${name}.$`, path])) };
}

/** Whether a job definition runs a container that logs with the awslogs driver. */
export function logsWithAwsLogs(jobDefinition?: batch.IJobDefinition): boolean {
  return jobDefinition instanceof batch.EcsJobDefinition && jobDefinition.container.logDriverConfig?.logDriver === 'awslogs';
}
