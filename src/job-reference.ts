import { Arn, ArnComponents, ArnFormat, Fn, Lazy, Stack, Stage, Token, TokenComparison } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import { IConstruct } from 'constructs';
import { invalid } from './private/errors';
import { JOB_DEFINITION_NAME_AND_REVISION_PATTERN, JOB_QUEUE_NAME_PATTERN } from './private/limits';
import { namePatternOf, ownResource } from './private/permission-scope';
import { containsJsonPath, dynamicValue, DynamicValue, isJsonata } from './private/state-input';

/**
 * Options for a job queue taken from the state input.
 */
export interface JobQueueInputOptions {
  /**
   * The job queues the state input may name: at least one. The state machine role may submit to
   * these only.
   *
   * @default - any job queue of the stack's account and region, with a synth warning
   */
  readonly allowed?: batch.IJobQueue[];
}

/**
 * Options for a job definition taken from the state input.
 */
export interface JobDefinitionInputOptions {
  /**
   * The job definitions the state input may name, any revision: at least one. The state machine
   * role may submit these only, each by its own name (a job of a `BatchEnvironment` too, which a
   * task given it as `jobDefinition` is granted by the environment's name prefix).
   *
   * @default - any job definition of the stack's account and region, with a synth warning
   */
  readonly allowed?: batch.IJobDefinition[];
}

/**
 * A job queue named by name, by ARN, or taken from the state input.
 *
 * For a job queue construct, use the `jobQueue` property of `SubmitJob` instead.
 * What you give is what the state renders: a name renders as that name.
 */
export class JobQueueTarget {
  /**
   * A job queue by name, such as `SecondaryQueue`, in the stack's account and region. A name from
   * the state input is `fromJsonPath` or `fromJsonata`.
   */
  public static fromName(jobQueueName: string): JobQueueTarget {
    rejectStateInput('jobQueue', jobQueueName, 'JobQueueTarget');
    if (!Token.isUnresolved(jobQueueName) && !JOB_QUEUE_NAME_PATTERN.test(jobQueueName)) {
      invalid('jobQueue', `must be a job queue name of 1 to 128 letters, numbers, hyphens and underscores${hint(jobQueueName, 'JobQueueTarget')}`,
        JSON.stringify(jobQueueName));
    }
    return new JobQueueTarget(jobQueueName, undefined, (scope) => [queueArn(scope, jobQueueName)]);
  }

  /**
   * A job queue by ARN: `arn:aws:batch:REGION:ACCOUNT:job-queue/NAME`. An ARN from the state input
   * is `fromJsonPath` or `fromJsonata`.
   */
  public static fromArn(jobQueueArn: string): JobQueueTarget {
    rejectStateInput('jobQueue', jobQueueArn, 'JobQueueTarget');
    checkArn('jobQueue', jobQueueArn, 'job-queue', JOB_QUEUE_NAME_PATTERN, 'NAME', 'JobQueueTarget');
    return new JobQueueTarget(jobQueueArn, undefined, () => [jobQueueArn]);
  }

  /**
   * A job queue whose name or ARN is at a JSONPath of the state input, such as `$.jobQueue`.
   */
  public static fromJsonPath(path: string, options: JobQueueInputOptions = {}): JobQueueTarget {
    return JobQueueTarget.fromInput(dynamicValue.jsonPath('jobQueue', path), options);
  }

  /**
   * A job queue whose name or ARN is the result of a JSONata expression, such as
   * `{% $states.input.jobQueue %}`. Only for states that use JSONata.
   */
  public static fromJsonata(expression: string, options: JobQueueInputOptions = {}): JobQueueTarget {
    return JobQueueTarget.fromInput(dynamicValue.jsonata('jobQueue', expression), options);
  }

  /** @internal */
  public static _fromJobQueue(jobQueue: batch.IJobQueue): JobQueueTarget {
    return new JobQueueTarget(jobQueue.jobQueueArn, undefined, () => [jobQueue.jobQueueArn]);
  }

  private static fromInput(input: DynamicValue, options: JobQueueInputOptions): JobQueueTarget {
    const allowed = options.allowed;
    checkAllowed(allowed, 'job queue');
    return new JobQueueTarget(input.value, input,
      (scope) => allowed?.map((q) => q.jobQueueArn) ?? [queueArn(scope, '*')],
      allowed === undefined);
  }

  /**
   * @param _value the value the state renders
   * @param _input set when the value comes from the state input
   * @param resourceArns the ARNs the state machine role may submit to
   * @param _unscoped set when the permissions could not be scoped to exact queues
   */
  private constructor(
    /** @internal */ public readonly _value: string,
    /** @internal */ public readonly _input: DynamicValue | undefined,
    private readonly resourceArns: (scope: IConstruct) => string[],
    /** @internal */ public readonly _unscoped = false,
  ) {}

  /** @internal The ARNs the state machine role may submit to. */
  public _resourceArns(scope: IConstruct): string[] { return this.resourceArns(scope); }
}

/**
 * A job definition named by name (with or without a revision), by ARN, or taken from the state input.
 *
 * For a job definition construct, use the `jobDefinition` property of `SubmitJob` instead.
 * What you give is what the state renders: a name renders as that name.
 */
export class JobDefinitionTarget {
  /**
   * A job definition by name, such as `preprocessing` (its latest active revision) or
   * `preprocessing:3`, in the stack's account and region. A name from the state input is
   * `fromJsonPath` or `fromJsonata`.
   */
  public static fromName(jobDefinitionName: string): JobDefinitionTarget {
    rejectStateInput('jobDefinition', jobDefinitionName, 'JobDefinitionTarget');
    if (!Token.isUnresolved(jobDefinitionName) && !JOB_DEFINITION_NAME_AND_REVISION_PATTERN.test(jobDefinitionName)) {
      invalid('jobDefinition', 'must be a job definition name of 1 to 128 letters, numbers, hyphens and underscores, optionally followed by '
        + `\`:REVISION\`${hint(jobDefinitionName, 'JobDefinitionTarget')}`, JSON.stringify(jobDefinitionName));
    }
    return new JobDefinitionTarget(jobDefinitionName, undefined,
      (scope) => definitionArns(scope, withoutRevision(jobDefinitionName), {}, mayLackRevision(jobDefinitionName)));
  }

  /**
   * A job definition by ARN: `arn:aws:batch:REGION:ACCOUNT:job-definition/NAME:REVISION`. An ARN
   * from the state input is `fromJsonPath` or `fromJsonata`.
   */
  public static fromArn(jobDefinitionArn: string): JobDefinitionTarget {
    rejectStateInput('jobDefinition', jobDefinitionArn, 'JobDefinitionTarget');
    const arn = checkArn('jobDefinition', jobDefinitionArn, 'job-definition', JOB_DEFINITION_NAME_AND_REVISION_PATTERN, 'NAME or NAME:REVISION',
      'JobDefinitionTarget');
    return new JobDefinitionTarget(jobDefinitionArn, undefined,
      (scope) => definitionArns(scope, withoutRevision(arn.resourceName!), placeOf(arn), mayLackRevision(arn.resourceName!)));
  }

  /**
   * A job definition whose name or ARN is at a JSONPath of the state input, such as `$.jobDefinition`.
   */
  public static fromJsonPath(path: string, options: JobDefinitionInputOptions = {}): JobDefinitionTarget {
    return JobDefinitionTarget.fromInput(dynamicValue.jsonPath('jobDefinition', path), options);
  }

  /**
   * A job definition whose name or ARN is the result of a JSONata expression, such as
   * `{% $states.input.jobDefinition %}`. Only for states that use JSONata.
   */
  public static fromJsonata(expression: string, options: JobDefinitionInputOptions = {}): JobDefinitionTarget {
    return JobDefinitionTarget.fromInput(dynamicValue.jsonata('jobDefinition', expression), options);
  }

  /**
   * A job definition construct: its ARN (with its revision), unless the state machine that renders it
   * is in another stack (not one nested in the same) of the same account and region, and the
   * definition has a literal name: then that name, the latest active revision. An ARN from another
   * stack is an export of it, which changes with each new revision, and CloudFormation refuses to
   * change an export another stack imports.
   *
   * @internal
   */
  public static _fromJobDefinition(jobDefinition: batch.IJobDefinition): JobDefinitionTarget {
    const value = Lazy.uncachedString({
      produce: (context) => {
        const consumer = Stack.of(context.scope);
        const name = nameAcrossStacks(consumer, jobDefinition);
        if (name === undefined) { return jobDefinition.jobDefinitionArn; }
        if (context.preparing) { deployAfterDefinition(consumer, Stack.of(jobDefinition), name); }
        return name;
      },
    });
    return new JobDefinitionTarget(value, undefined, (scope) => grantedArns(scope, jobDefinition));
  }

  private static fromInput(input: DynamicValue, options: JobDefinitionInputOptions): JobDefinitionTarget {
    const allowed = options.allowed;
    checkAllowed(allowed, 'job definition');
    // Each by its own name, even a job of a BatchEnvironment: the input may name these only.
    return new JobDefinitionTarget(input.value, input,
      // The input may name any of them without a revision.
      (scope) => allowed?.flatMap((d) => exactArns(scope, d, true))
        ?? [Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: '*' })],
      allowed === undefined);
  }

  /**
   * @param _value the value the state renders
   * @param _input set when the value comes from the state input
   * @param resourceArns the ARNs the state machine role may submit
   * @param _unscoped set when the permissions could not be scoped to exact definitions
   */
  private constructor(
    /** @internal */ public readonly _value: string,
    /** @internal */ public readonly _input: DynamicValue | undefined,
    private readonly resourceArns: (scope: IConstruct) => string[],
    /** @internal */ public readonly _unscoped = false,
  ) {}

  /** @internal The ARNs the state machine role may submit. */
  public _resourceArns(scope: IConstruct): string[] { return this.resourceArns(scope); }
}

function queueArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job-queue', resourceName: name });
}

/**
 * Every revision of one definition, and with `byNameAlone` the definition by its name alone. Batch
 * authorizes a request that names a definition with a revision against `job-definition/NAME:REVISION`,
 * and one without (`NAME`, or an ARN without `:REVISION`: its latest active revision) against
 * `job-definition/NAME`, which `NAME:*` does not match. Every revision keeps a new revision working
 * while a deploy rolls out. In the stack's partition, account and region, unless `place` names others.
 */
function definitionArns(scope: IConstruct, name: string, place: Place, byNameAlone: boolean): string[] {
  return [...byNameAlone ? [name] : [], `${name}:*`].map((resourceName) =>
    Stack.of(scope).formatArn({ ...place, service: 'batch', resource: 'job-definition', resourceName }));
}

/** Whether a name or `NAME:REVISION` may have no revision: a literal without one, or a token. */
function mayLackRevision(nameAndRevision: string): boolean {
  return Token.isUnresolved(nameAndRevision) || !nameAndRevision.includes(':');
}

/** Where a resource is: the partition, account and region of an ARN. */
type Place = Pick<ArnComponents, 'partition' | 'account' | 'region'>;

function placeOf(arn: ArnComponents): Place {
  return { partition: arn.partition, account: arn.account, region: arn.region };
}

/** What a job definition construct is granted by: its name pattern if it has one, else its name. */
function grantedArns(scope: IConstruct, jobDefinition: batch.IJobDefinition): string[] {
  const pattern = namePatternOf(jobDefinition);
  return pattern !== undefined
    ? [Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: pattern })]
    : exactArns(scope, jobDefinition);
}

/**
 * Every revision of a job definition construct, by its name: the literal one it was given, or the
 * name in its ARN. (The L2s' `jobDefinitionName` is no name for every kind of definition: a
 * multi-node or EKS definition's is its ARN, or NAME:REVISION when imported.) An imported
 * definition is where its ARN says, which aws-cdk-lib's imports do not record in their `env`.
 * Also the definition by its name alone when the state may name it so: `byNameAlone`, a definition
 * with a literal name (named so by the state machine of another stack, or by an ARN without a
 * revision in another region: the stack of the state machine decides, not that of the task), or
 * an imported ARN without a revision.
 */
function exactArns(scope: IConstruct, jobDefinition: batch.IJobDefinition, byNameAlone = false): string[] {
  const imported = !ownResource(jobDefinition);
  const name = literalName(jobDefinition);
  // Split only where the ARN is needed: an imported definition's place, or a name not known here.
  const arn = imported || name === undefined ? Arn.split(jobDefinition.jobDefinitionArn, ArnFormat.SLASH_RESOURCE_NAME) : undefined;
  const place = imported ? placeOf(arn!) : { account: jobDefinition.env.account, region: jobDefinition.env.region };
  const mayRenderByName = name !== undefined || (imported && mayLackRevision(arn!.resourceName!));
  return definitionArns(scope, name ?? withoutRevision(arn!.resourceName!), place, byNameAlone || mayRenderByName);
}

/**
 * The literal name of a job definition that `consumer` would otherwise reference from another
 * top-level stack of the same account and region (by an export), or undefined.
 */
function nameAcrossStacks(consumer: Stack, jobDefinition: batch.IJobDefinition): string | undefined {
  const owner = Stack.of(jobDefinition);
  // Environment-agnostic stacks have the same pseudo-parameter tokens; a literal compares as itself.
  const same = (x: string, y: string) => x === y || Token.compareStrings(x, y) === TokenComparison.SAME;
  if (top(consumer) === top(owner) || !same(consumer.account, owner.account) || !same(consumer.region, owner.region)) {
    return undefined;
  }
  return literalName(jobDefinition);
}

/** The top-level stack a stack is in: itself, or the one its nested stack is in. */
function top(stack: Stack): Stack {
  return stack.nestedStackParent ? top(stack.nestedStackParent) : stack;
}

/** For each top-level stack, the stacks of the job definitions it names, and why it names them. */
const definitionStacks = new WeakMap<Stack, Map<Stack, string>>();

/**
 * A name is no reference: makes the stack of a state machine that names a job definition of
 * another stack deploy after that stack, as the import the name stands for would. The dependency is
 * added once the app is prepared (in a validation of the state machine's stack), when aws-cdk-lib
 * has added the dependencies of all references, and only where it makes no cycle: when the
 * definition's stack depends on the state machine's (it reads the state machine's ARN, say), it
 * deploys first, and the name is looked up when jobs are submitted. Stacks of different stages
 * deploy apart, and cannot depend on each other. A synthesis that skips validation
 * (`app.synth({ skipValidation: true })`) adds no such dependency.
 */
function deployAfterDefinition(consumer: Stack, owner: Stack, name: string): void {
  const [from, to] = [top(consumer), top(owner)];
  if (Stage.of(from) !== Stage.of(to)) { return; }
  const named = definitionStacks.get(from) ?? new Map<Stack, string>();
  if (!definitionStacks.has(from)) {
    definitionStacks.set(from, named);
    from.node.addValidation({
      validate: () => {
        for (const [stack, reason] of named) {
          if (!dependsOn(stack, from)) { from.addStackDependency(stack, reason); }
        }
        return [];
      },
    });
  }
  named.set(to, `${consumer.node.path} submits jobs of job definition ${name}, by its name`);
}

/** Whether a stack depends on another, directly or through others: each stack visited once. */
function dependsOn(stack: Stack, other: Stack): boolean {
  const seen = new Set<Stack>([stack]);
  const next = [stack];
  for (let s = next.pop(); s !== undefined; s = next.pop()) {
    for (const d of s.dependencies) {
      if (d === other) { return true; }
      if (!seen.has(d)) { seen.add(d); next.push(d); }
    }
  }
  return false;
}

/** An allow-list names at least one resource: an empty one would let the state submit nothing. */
function checkAllowed(allowed: unknown[] | undefined, noun: string): void {
  if (allowed !== undefined && allowed.length === 0) {
    invalid('allowed', `must name at least one ${noun} (leave it out to allow any, with a warning)`, 'none');
  }
}

/**
 * The name a job definition of this app was given, when it is known at synth time. The L2's
 * `jobDefinitionName` is always read back from the ARN at deploy time; a literal name makes the
 * permission readable (`job-definition/my-job:*`) and lets policies scope by name prefix.
 */
function literalName(jobDefinition: batch.IJobDefinition): string | undefined {
  const resource = jobDefinition.node.defaultChild;
  const name = resource instanceof batch.CfnJobDefinition ? resource.jobDefinitionName : undefined;
  return name !== undefined && !Token.isUnresolved(name) ? name : undefined;
}

/** `preprocessing:3` → `preprocessing`; tokens go through `Fn::Split` at deploy time. */
function withoutRevision(nameAndRevision: string): string {
  return Token.isUnresolved(nameAndRevision)
    ? Fn.select(0, Fn.split(':', nameAndRevision))
    : nameAndRevision.split(':')[0];
}

/** Checks an ARN's form, and the name in it against `name`; returns its parts. */
function checkArn(property: string, arn: string, resource: string, name: RegExp, nameForm: string, target: string) {
  const match = new RegExp(`^arn:[a-z-]+:batch:[a-z0-9-]+:[0-9]{12}:${resource}/(.+)$`).exec(arn);
  if (!Token.isUnresolved(arn) && !(match && name.test(match[1]))) {
    invalid(property, `must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:${resource}/${nameForm}${hint(arn, target, 'fromArn')}`,
      JSON.stringify(arn));
  }
  return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
}

/**
 * Refuses a JSONPath of the state input (`sfn.JsonPath.stringAt`) given as a name or ARN: the
 * state would read the input, but the role would be granted the text of the path, which no queue or
 * definition is called.
 */
function rejectStateInput(property: string, value: string, target: string): void {
  if (containsJsonPath(value)) {
    invalid(property, `must be a name or ARN known before the execution; for one read when the state runs, use ${target}.fromJsonPath `
      + '(with the path, or an ARN built with sfn.JsonPath.format), and `allowed` to scope the permission', 'a JSONPath (sfn.JsonPath)');
  }
}

/** Points at the factory a value that fails `used` looks made for: an ARN, or a JSONata expression. */
function hint(value: string, target: string, used = 'fromName'): string {
  if (isJsonata(value as unknown)) { return ` (for one from the state input, use ${target}.fromJsonata)`; }
  if (used === 'fromArn') { return value.startsWith('arn:') ? '' : ` (for a name, use ${target}.fromName)`; }
  return value.startsWith('arn:') ? ` (for an ARN, use ${target}.fromArn)` : '';
}
