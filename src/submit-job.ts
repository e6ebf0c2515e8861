import { Annotations, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ContainerOverrides, EvaluateOnExit, JobDependency } from './container-overrides';
import { JobOutput } from './job-output';
import { JobDefinitionTarget, JobQueueTarget } from './job-reference';
import { gpuProblem, overridesProblem, placementProblem, vcpuProblem } from './private/job-placement';
import { ownResource } from './private/permission-scope';
import { shareStatements, submitJobPolicies } from './private/submit-job-policies';
import { checkQueryLanguage, logsWithAwsLogs, renderCompactOutput, renderSubmitJobParameters } from './private/submit-job-render';
import { validateSubmitJob } from './private/submit-job-validation';

/**
 * What a SubmitJob task sends to AWS Batch.
 *
 * Each string, number and list of strings may be static or taken from the state input: in a
 * JSONPath state with `sfn.JsonPath.stringAt('$.x')` (or `numberAt`, `listAt`), in a JSONata state
 * with an expression `'{% $states.input.x %}'` (`Token.asNumber('{% ... %}')` for numbers).
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
 */
export interface SubmitJobOptions {
  /**
   * The job queue to submit to.
   *
   * Give exactly one of `jobQueue` and `jobQueueTarget`.
   *
   * @default - none: `jobQueueTarget` is required
   */
  readonly jobQueue?: batch.IJobQueue;

  /**
   * The job queue to submit to, by name, by ARN, or from the state input.
   *
   * Give exactly one of `jobQueue` and `jobQueueTarget`.
   *
   * @default - none: `jobQueue` is required
   */
  readonly jobQueueTarget?: JobQueueTarget;

  /**
   * The job definition to run. The state renders its ARN, the revision deployed with it; a job
   * definition with a literal name (a `BatchJob`'s) in another stack than the state machine's, of
   * the same account and region, is rendered by that name (its latest active revision), so that no
   * export of a changing ARN ties the stacks; the state machine's stack is still made to depend on
   * the definition's, unless the definition's depends on it. The state machine role may submit any
   * revision of it.
   *
   * Give exactly one of `jobDefinition` and `jobDefinitionTarget`.
   *
   * @default - none: `jobDefinitionTarget` is required
   */
  readonly jobDefinition?: batch.IJobDefinition;

  /**
   * The job definition to run, by name, by ARN, or from the state input.
   *
   * Give exactly one of `jobDefinition` and `jobDefinitionTarget`.
   *
   * @default - none: `jobDefinition` is required
   */
  readonly jobDefinitionTarget?: JobDefinitionTarget;

  /**
   * The name of the job: 1 to 128 letters, numbers, hyphens and underscores, starting with a
   * letter or number.
   */
  readonly jobName: string;

  /**
   * Values for the `Ref::name` placeholders of the job definition's command
   * (`sfn.TaskInput.fromObject({...})`), or an object of the state input
   * (`sfn.TaskInput.fromJsonPathAt('$.batchjob.parameters')`). In a state that uses JSONata, a
   * JSONata expression gives the whole object: `sfn.TaskInput.fromText('{% $states.input.batchjob.parameters %}')`.
   *
   * @default - the job definition's default parameters
   */
  readonly parameters?: sfn.TaskInput;

  /**
   * Makes this an array job of this many child jobs: 2 to 10,000.
   *
   * @default - a single job
   */
  readonly arraySize?: number;

  /**
   * Overrides of the container's command, environment and resources.
   *
   * @default - the job definition's values
   */
  readonly containerOverrides?: ContainerOverrides;

  /**
   * Jobs that must finish first: at most 20.
   *
   * @default - no dependency
   */
  readonly dependsOn?: JobDependency[];

  /**
   * How many attempts Batch makes in all, the first included: 1 to 10 (1: no retry).
   *
   * @default - the job definition's retry strategy
   */
  readonly attempts?: number;

  /**
   * Conditions on how an attempt ended that decide whether to retry it: at most 5.
   * Requires `attempts`.
   *
   * @default - the job definition's retry strategy
   */
  readonly evaluateOnExit?: EvaluateOnExit[];

  /**
   * How long Batch lets one attempt run before it terminates it: at least 60 seconds.
   *
   * This is Batch's timeout, per attempt. The state's own timeout (`taskTimeout`), which
   * also counts the time the job waits in the queue, is separate.
   *
   * @default - the job definition's timeout
   */
  readonly attemptTimeout?: Duration;

  /**
   * Tags for the job: at most 50; keys 1 to 128 characters, not starting with `aws:`; values
   * at most 256 characters. The state machine role is then allowed `batch:TagResource` on jobs.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * Whether to propagate the job's and the job definition's tags to its ECS task.
   *
   * @default - the job definition's setting
   */
  readonly propagateTags?: boolean;

  /**
   * The share identifier of the job: up to 255 letters and digits, optionally followed by `*`.
   * Required when the job queue has a fair-share scheduling policy, and only valid then.
   *
   * @default - none
   */
  readonly shareIdentifier?: string;

  /**
   * The scheduling priority of the job in a fair-share job queue: 0 to 9999, higher first.
   *
   * @default - the job definition's scheduling priority
   */
  readonly schedulingPriorityOverride?: number;

  /**
   * What the task outputs once the job has finished (`.sync` only; request-response outputs the
   * job's ARN, name and ID, and COMPACT fails synth there). Cannot be used with `resultSelector` or `outputs`.
   *
   * @default JobOutput.FULL, or a `BatchWorkflow`'s `jobOutput` (COMPACT) for the tasks it reaches
   * from its start, not those inside a Parallel or Map state
   */
  readonly output?: JobOutput;

  /**
   * How the state waits for the job: RUN_JOB (`.sync`) waits until it succeeds or fails;
   * REQUEST_RESPONSE submits it and moves on. WAIT_FOR_TASK_TOKEN fails at synth, since the Batch
   * integration does not support it.
   *
   * @default sfn.IntegrationPattern.RUN_JOB
   */
  readonly integrationPattern?: sfn.IntegrationPattern;
}

/**
 * Properties of a SubmitJob task that uses JSONPath.
 */
export interface SubmitJobJsonPathProps extends sfn.TaskStateJsonPathBaseProps, SubmitJobOptions {}

/**
 * Properties of a SubmitJob task that uses JSONata.
 */
export interface SubmitJobJsonataProps extends sfn.TaskStateJsonataBaseProps, SubmitJobOptions {}

/**
 * Properties of a SubmitJob task.
 */
export interface SubmitJobProps extends sfn.TaskStateBaseProps, SubmitJobOptions {}

/**
 * A Task state that submits an AWS Batch job and, by default, waits for it to finish
 * (`arn:aws:states:::batch:submitJob.sync`): `integrationPattern` defaults to RUN_JOB for this
 * task. REQUEST_RESPONSE submits the job and moves on; WAIT_FOR_TASK_TOKEN fails at synth, since
 * the Batch integration does not support it.
 *
 * The state machine role gets `batch:SubmitJob` on this job queue and job definition only (every
 * revision of it; for the job of a `BatchEnvironment`, the environment's job definitions, by their
 * name prefix), and on `job/*`, since job IDs are assigned at submit; and,
 * to wait, `batch:DescribeJobs`, `batch:TerminateJob` (so stopping the execution stops the job)
 * and the Step Functions events rule for Batch.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-batch.html
 */
export class SubmitJob extends sfn.TaskStateBase {
  /**
   * A SubmitJob task that uses JSONPath.
   */
  public static jsonPath(scope: Construct, id: string, props: SubmitJobJsonPathProps): SubmitJob {
    return new SubmitJob(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSON_PATH });
  }

  /**
   * A SubmitJob task that uses JSONata.
   */
  public static jsonata(scope: Construct, id: string, props: SubmitJobJsonataProps): SubmitJob {
    return new SubmitJob(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  protected readonly taskMetrics?: sfn.TaskMetricsConfig;

  /**
   * The statements this task registers with the state graph it is bound to: its permissions, less
   * those an earlier task of the same graph registered already (tasks with the same permissions
   * share their statement instances), so the role's policy gets each permission once per state graph
   * (the main chain, each Parallel branch, each Map item processor) rather than once per task.
   */
  protected get taskPolicies(): iam.PolicyStatement[] | undefined {
    const graph = this.graph;
    return graph ? this.policies.filter((statement) => !graph.policyStatements.includes(statement)) : this.policies;
  }

  /** How the task waits for the job. */
  public readonly integrationPattern: sfn.IntegrationPattern;

  private readonly props: SubmitJobProps;
  private readonly jobQueueTarget: JobQueueTarget;
  private readonly jobDefinitionTarget: JobDefinitionTarget;
  private defaultOutput = JobOutput.FULL;
  private readonly policies: iam.PolicyStatement[];
  private graph?: sfn.StateGraph;

  /**
   * @param scope the scope of the task
   * @param id the id of the task, unique in its scope
   * @param props the properties of the task
   */
  constructor(scope: Construct, id: string, props: SubmitJobProps) {
    const validated = validateSubmitJob(props);
    super(scope, id, props);
    this.props = props;
    this.integrationPattern = validated.integrationPattern;
    this.jobQueueTarget = props.jobQueue ? JobQueueTarget._fromJobQueue(props.jobQueue) : props.jobQueueTarget!;
    this.jobDefinitionTarget = props.jobDefinition
      ? JobDefinitionTarget._fromJobDefinition(props.jobDefinition)
      : props.jobDefinitionTarget!;

    this.policies = shareStatements(this, submitJobPolicies(this, {
      jobQueue: this.jobQueueTarget,
      jobDefinition: this.jobDefinitionTarget,
      sync: this.integrationPattern === sfn.IntegrationPattern.RUN_JOB,
      tagging: validated.tagging,
    }));
    this.warnIfUnscoped();
    // At synth: compute environments may be added to the queue after the task is created.
    this.node.addValidation({
      validate: () => [
        placementProblem(props.jobQueue, props.jobDefinition, props.shareIdentifier, props.schedulingPriorityOverride),
        overridesProblem(props.jobDefinition, props.containerOverrides),
        gpuProblem(props.jobQueue, props.jobDefinition, props.containerOverrides),
        vcpuProblem(props.jobQueue, props.jobDefinition, props.containerOverrides),
      ].filter((problem): problem is string => problem !== undefined),
    });
  }

  /** Remembers the graph, for `taskPolicies`, then binds as any task. */
  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    this.graph = graph;
    super.whenBoundToGraph(graph);
  }

  /**
   * @internal
   */
  protected _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): any {
    const queryLanguage = this.props.queryLanguage ?? topLevelQueryLanguage ?? sfn.QueryLanguage.JSON_PATH;
    const parameters = renderSubmitJobParameters(this.props, this.jobQueueTarget._value, this.jobDefinitionTarget._value);
    checkQueryLanguage(this, queryLanguage, parameters, [
      ...ownResource(this.props.jobQueue) ? [this.jobQueueTarget._value] : [],
      ...ownResource(this.props.jobDefinition) ? [this.jobDefinitionTarget._value] : [],
    ]);
    return {
      Resource: this.resourceArn(),
      ...this._renderParametersOrArguments(parameters, queryLanguage),
      ...this.renderOutput(queryLanguage),
    };
  }

  /**
   * Sets the output of a task that did not choose one. Used by `BatchWorkflow`.
   *
   * @internal
   */
  public _setDefaultOutput(output: JobOutput): void {
    this.defaultOutput = output;
  }

  private renderOutput(queryLanguage: sfn.QueryLanguage) {
    // A result selection of the user's own wins over a workflow's default.
    if (this.props.output === undefined && (this.props.resultSelector !== undefined || this.props.outputs !== undefined)) { return {}; }
    const output = this.props.output ?? this.defaultOutput;
    if (output === JobOutput.FULL || this.integrationPattern !== sfn.IntegrationPattern.RUN_JOB) { return {}; }
    return renderCompactOutput(queryLanguage, {
      arrayJob: this.props.arraySize !== undefined,
      awsLogs: logsWithAwsLogs(this.props.jobDefinition),
    });
  }

  private resourceArn(): string {
    const sync = this.integrationPattern === sfn.IntegrationPattern.RUN_JOB ? '.sync' : '';
    return Stack.of(this).formatArn({
      service: 'states',
      region: '',
      account: '',
      resource: 'batch',
      resourceName: `submitJob${sync}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private warnIfUnscoped(): void {
    // Worded for every jsii language: the option's name, not a TypeScript call.
    const unscoped: Array<[string, string, string]> = [];
    if (this.jobQueueTarget._unscoped) { unscoped.push(['jobQueue', 'job queue', 'JobQueueTarget']); }
    if (this.jobDefinitionTarget._unscoped) { unscoped.push(['jobDefinition', 'job definition', 'JobDefinitionTarget']); }
    for (const [what, noun, target] of unscoped) {
      Annotations.of(this).addWarningV2(`cdk-batch-stepfunctions:unscoped-${what}`,
        `The ${what} comes from the state input and no allow-list was given, so the state machine role may `
        + `submit to every ${noun} in this account and region. Narrow it with the \`allowed\` option of `
        + `${target}.fromJsonPath or ${target}.fromJsonata: the ${noun}s the input may name.`);
    }
  }
}
