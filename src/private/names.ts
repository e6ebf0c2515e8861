import { createHash } from 'crypto';
import { Stack, Stage, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { JOB_DEFINITION_NAME_MAX_LENGTH } from './limits';

/**
 * `STACK-ID-HASH-`: the name of the environment's stack and the environment's id, then a hash of
 * both and of its path, so that no other environment, in this app or in another stack of the
 * account and region, has the same prefix. A nested stack's name is known only at deploy time:
 * the name of the stack it is in stands for it.
 */
export function jobDefinitionNamePrefix(environment: IConstruct): string {
  const stackName = deployedStackName(Stack.of(environment));
  const readable = [stackName, environment.node.id]
    .filter((part) => part !== undefined)
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 48);
  return `${readable}-${hash(`${stackName ?? ''}\n${environment.node.path}`)}-`;
}

/**
 * The default name of a job's definition: the environment's prefix and the job's name in it. A
 * name over 128 characters is cut, and ends in a hash of the whole, so that two long names that
 * differ only past the cut stay apart.
 */
export function defaultJobDefinitionName(prefix: string, jobName: string): string {
  const name = `${prefix}${jobName}`;
  if (name.length <= JOB_DEFINITION_NAME_MAX_LENGTH) { return name; }
  return `${name.slice(0, JOB_DEFINITION_NAME_MAX_LENGTH - 9)}-${hash(name)}`;
}

/** Eight hexadecimal digits of a SHA-256 of the text. */
function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The name of the stack, or of the nearest stack it is nested in whose name is known at synth. */
function deployedStackName(stack: Stack): string | undefined {
  for (let s: Stack | undefined = stack; s !== undefined; s = s.nestedStackParent) {
    if (!Token.isUnresolved(s.stackName)) { return s.stackName; }
  }
  return undefined;
}

/**
 * A job's name among the jobs of its environment: its path below the environment's stack (below
 * its stage, when the job is in another stack: `JobStack-Train`), with `/` and the other
 * characters that names and log stream prefixes cannot have replaced by `-`. `Train` for a job at
 * the top of the stack, `Daily-Train` for one inside a construct `Daily`.
 */
export function jobNameInEnvironment(job: IConstruct, environment: IConstruct): string {
  const path = job.node.path;
  const stackPath = Stack.of(environment).node.path;
  const base = path.startsWith(`${stackPath}/`) ? stackPath : Stage.of(job)?.node.path ?? '';
  return (base === '' ? path : path.slice(base.length + 1)).replace(/[^A-Za-z0-9_-]/g, '-');
}
