import { Arn, ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import { IConstruct } from 'constructs';
import { invalid } from './private/errors';
import { JOB_DEFINITION_NAME_AND_REVISION_PATTERN, JOB_QUEUE_NAME_PATTERN } from './private/limits';
import { namePatternOf } from './private/permission-scope';
import { dynamicValue, DynamicValue } from './private/state-input';

/**
 * Options for a job queue taken from the state input.
 */
export interface JobQueueInputOptions {
  /**
   * The job queues the state input may name. The state machine role may submit to these only.
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
   * The job definitions the state input may name, any revision. The state machine role may
   * submit these only.
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
export abstract class JobQueueTarget {
  /**
   * A job queue by name, such as `SecondaryQueue`, in the stack's account and region.
   */
  public static fromName(jobQueueName: string): JobQueueTarget {
    if (!Token.isUnresolved(jobQueueName) && !JOB_QUEUE_NAME_PATTERN.test(jobQueueName)) {
      invalid('jobQueue', 'must be a job queue name of 1 to 128 letters, numbers, hyphens and underscores', JSON.stringify(jobQueueName));
    }
    return new StaticJobQueue(jobQueueName, (scope) => queueArn(scope, jobQueueName));
  }

  /**
   * A job queue by ARN: `arn:aws:batch:REGION:ACCOUNT:job-queue/NAME`.
   */
  public static fromArn(jobQueueArn: string): JobQueueTarget {
    checkArn('jobQueue', jobQueueArn, 'job-queue');
    return new StaticJobQueue(jobQueueArn, () => jobQueueArn);
  }

  /**
   * A job queue whose name or ARN is at a JSONPath of the state input, such as `$.jobQueue`.
   */
  public static fromJsonPath(path: string, options: JobQueueInputOptions = {}): JobQueueTarget {
    return new InputJobQueue(dynamicValue.jsonPath('jobQueue', path), options);
  }

  /**
   * A job queue whose name or ARN is the result of a JSONata expression, such as
   * `{% $states.input.jobQueue %}`. Only for states that use JSONata.
   */
  public static fromJsonata(expression: string, options: JobQueueInputOptions = {}): JobQueueTarget {
    return new InputJobQueue(dynamicValue.jsonata('jobQueue', expression), options);
  }

  /** @internal */
  public static _fromJobQueue(jobQueue: batch.IJobQueue): JobQueueTarget {
    return new StaticJobQueue(jobQueue.jobQueueArn, () => jobQueue.jobQueueArn);
  }

  /** @internal The value the state renders. */
  public abstract readonly _value: string;
  /** @internal Set when the value comes from the state input. */
  public abstract readonly _input?: DynamicValue;
  /** @internal Set when the permissions could not be scoped to exact queues. */
  public abstract readonly _unscoped: boolean;
  /** @internal The ARNs the state machine role may submit to. */
  public abstract _resourceArns(scope: IConstruct): string[];
}

/**
 * A job definition named by name (with or without a revision), by ARN, or taken from the state input.
 *
 * For a job definition construct, use the `jobDefinition` property of `SubmitJob` instead.
 * What you give is what the state renders: a name renders as that name.
 */
export abstract class JobDefinitionTarget {
  /**
   * A job definition by name, such as `preprocessing` (its latest active revision) or
   * `preprocessing:3`, in the stack's account and region.
   */
  public static fromName(jobDefinitionName: string): JobDefinitionTarget {
    if (!Token.isUnresolved(jobDefinitionName) && !JOB_DEFINITION_NAME_AND_REVISION_PATTERN.test(jobDefinitionName)) {
      invalid('jobDefinition', 'must be a job definition name of 1 to 128 letters, numbers, hyphens and underscores, optionally followed by `:REVISION`', JSON.stringify(jobDefinitionName));
    }
    return new StaticJobDefinition(jobDefinitionName, (scope) => definitionArn(scope, withoutRevision(jobDefinitionName)));
  }

  /**
   * A job definition by ARN: `arn:aws:batch:REGION:ACCOUNT:job-definition/NAME:REVISION`.
   */
  public static fromArn(jobDefinitionArn: string): JobDefinitionTarget {
    const arn = checkArn('jobDefinition', jobDefinitionArn, 'job-definition');
    return new StaticJobDefinition(jobDefinitionArn, (scope) => definitionArn(scope, withoutRevision(arn.resourceName!)));
  }

  /**
   * A job definition whose name or ARN is at a JSONPath of the state input, such as `$.jobDefinition`.
   */
  public static fromJsonPath(path: string, options: JobDefinitionInputOptions = {}): JobDefinitionTarget {
    return new InputJobDefinition(dynamicValue.jsonPath('jobDefinition', path), options);
  }

  /**
   * A job definition whose name or ARN is the result of a JSONata expression, such as
   * `{% $states.input.jobDefinition %}`. Only for states that use JSONata.
   */
  public static fromJsonata(expression: string, options: JobDefinitionInputOptions = {}): JobDefinitionTarget {
    return new InputJobDefinition(dynamicValue.jsonata('jobDefinition', expression), options);
  }

  /** @internal */
  public static _fromJobDefinition(jobDefinition: batch.IJobDefinition): JobDefinitionTarget {
    return new StaticJobDefinition(jobDefinition.jobDefinitionArn, (scope) => grantedArn(scope, jobDefinition));
  }

  /** @internal The value the state renders. */
  public abstract readonly _value: string;
  /** @internal Set when the value comes from the state input. */
  public abstract readonly _input?: DynamicValue;
  /** @internal Set when the permissions could not be scoped to exact definitions. */
  public abstract readonly _unscoped: boolean;
  /** @internal The ARNs the state machine role may submit. */
  public abstract _resourceArns(scope: IConstruct): string[];
}

class StaticJobQueue extends JobQueueTarget {
  public readonly _input = undefined;
  public readonly _unscoped = false;
  constructor(public readonly _value: string, private readonly arn: (scope: IConstruct) => string) { super(); }
  public _resourceArns(scope: IConstruct): string[] { return [this.arn(scope)]; }
}

class InputJobQueue extends JobQueueTarget {
  public readonly _value: string;
  public readonly _unscoped: boolean;
  constructor(public readonly _input: DynamicValue, private readonly options: JobQueueInputOptions) {
    super();
    this._value = _input.value;
    this._unscoped = options.allowed === undefined;
  }
  public _resourceArns(scope: IConstruct): string[] {
    return this.options.allowed?.map((q) => q.jobQueueArn) ?? [queueArn(scope, '*')];
  }
}

class StaticJobDefinition extends JobDefinitionTarget {
  public readonly _input = undefined;
  public readonly _unscoped = false;
  constructor(public readonly _value: string, private readonly arn: (scope: IConstruct) => string) { super(); }
  public _resourceArns(scope: IConstruct): string[] { return [this.arn(scope)]; }
}

class InputJobDefinition extends JobDefinitionTarget {
  public readonly _value: string;
  public readonly _unscoped: boolean;
  constructor(public readonly _input: DynamicValue, private readonly options: JobDefinitionInputOptions) {
    super();
    this._value = _input.value;
    this._unscoped = options.allowed === undefined;
  }
  public _resourceArns(scope: IConstruct): string[] {
    return this.options.allowed?.map((d) => grantedArn(scope, d))
      ?? [Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: '*' })];
  }
}

function queueArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job-queue', resourceName: name });
}

/** Every revision of one definition: a new revision keeps working while a deploy rolls out. */
function definitionArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: `${name}:*` });
}

/** What a job definition construct is granted by: its name pattern if it has one, else its name. */
function grantedArn(scope: IConstruct, jobDefinition: batch.IJobDefinition): string {
  const pattern = namePatternOf(jobDefinition);
  return pattern !== undefined
    ? Stack.of(scope).formatArn({ service: 'batch', resource: 'job-definition', resourceName: pattern })
    : definitionArn(scope, literalName(jobDefinition) ?? jobDefinition.jobDefinitionName);
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

function checkArn(property: string, arn: string, resource: string) {
  const shape = new RegExp(`^arn:[a-z-]+:batch:[a-z0-9-]+:[0-9]{12}:${resource}/.+$`);
  if (!Token.isUnresolved(arn) && !shape.test(arn)) {
    invalid(property, `must be an ARN of the form arn:PARTITION:batch:REGION:ACCOUNT:${resource}/NAME`, JSON.stringify(arn));
  }
  return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
}
