import { Size, Token } from 'aws-cdk-lib';
import type { BatchJobProps } from '../batch-job';
import { Platform } from '../capacity';
import { checkEnvironmentNames, checkMin, checkRetryCondition, checkSeconds, RetryCondition, wholeMebibytes } from './checks';
import { checkCount, checkLength, checkRange, fmt, invalid } from './errors';
import {
  ATTEMPT_TIMEOUT_MIN_SECONDS, ATTEMPTS_MAX, ATTEMPTS_MIN, CONTAINER_MEMORY_MIN_MIB, EVALUATE_ON_EXIT_MAX, FARGATE_MEMORY_MIB,
  FARGATE_VCPU_VALUES, JOB_DEFINITION_NAME_MAX_LENGTH, JOB_DEFINITION_NAME_PATTERN, LOG_STREAM_PREFIX_MAX_LENGTH,
  SCHEDULING_PRIORITY_MAX, SCHEDULING_PRIORITY_MIN,
} from './limits';

/** The default vCPUs of a job. */
export const DEFAULT_CPU = 1;
/** The default memory of a job, and the least per vCPU on Fargate from 1 vCPU up. */
const DEFAULT_MEMORY_MIB = 2_048;

/** Checks the props of a `BatchJob` before anything is created. */
export function validateJobProps(props: BatchJobProps, platform: Platform): void {
  checkCpu('cpu', props.cpu, platform);
  checkMemory(props.cpu ?? DEFAULT_CPU, props.memory, platform);
  if (props.gpu !== undefined && platform === Platform.FARGATE) {
    const source = props.platform !== undefined ? '`platform` FARGATE' : 'the platform of `environment`, FARGATE';
    invalid('gpu', 'is only valid on EC2, since Fargate has no GPUs', `${props.gpu} on a Fargate job (${source})`);
  }
  checkMin('gpu', props.gpu, 1);
  checkEnvironmentNames('environmentVariables', props.environmentVariables);
  checkRange('attempts', props.attempts, ATTEMPTS_MIN, ATTEMPTS_MAX);
  checkCount('retryStrategies', props.retryStrategies, EVALUATE_ON_EXIT_MAX);
  // aws-cdk-lib's Reason is the CustomReason it was made of (onExitCode, onReason, onStatusReason), undeclared.
  props.retryStrategies?.forEach((strategy, i) => checkRetryCondition(`retryStrategies[${i}]`, strategy.on as RetryCondition));
  checkSeconds('timeout', props.timeout, ATTEMPT_TIMEOUT_MIN_SECONDS);
  checkRange('schedulingPriority', props.schedulingPriority, SCHEDULING_PRIORITY_MIN, SCHEDULING_PRIORITY_MAX);
  const prefix = props.logStreamPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) && !/^[^:*]+$/.test(prefix)) {
    invalid('logStreamPrefix', 'must be at least 1 character long, without `:` or `*`, which log stream names cannot contain', JSON.stringify(prefix));
  }
  checkLength('logStreamPrefix', prefix, 1, LOG_STREAM_PREFIX_MAX_LENGTH);
  const name = props.jobDefinitionName;
  checkLength('jobDefinitionName', name, 1, JOB_DEFINITION_NAME_MAX_LENGTH);
  if (name !== undefined && !Token.isUnresolved(name) && !JOB_DEFINITION_NAME_PATTERN.test(name)) {
    invalid('jobDefinitionName', 'must contain only letters, digits, hyphens and underscores', JSON.stringify(name));
  }
}

/** Checks vCPUs for the platform, skipping tokens: whole vCPUs on EC2, the values Fargate allows on Fargate. */
export function checkCpu(property: string, cpu: number | undefined, platform: Platform): void {
  if (cpu === undefined || Token.isUnresolved(cpu)) { return; }
  if (platform === Platform.EC2) {
    checkMin(property, cpu, 1, 'on EC2 (fractions of a vCPU are for Fargate)');
  } else if (!FARGATE_VCPU_VALUES.includes(cpu)) {
    invalid(property, `must be one of ${FARGATE_VCPU_VALUES.join(', ')} on Fargate`, String(cpu));
  }
}

function checkMemory(cpu: number, memory: Size | undefined, platform: Platform): void {
  if (memory === undefined || memory.isUnresolved()) { return; }
  const mib = wholeMebibytes('memory', memory);
  if (platform === Platform.EC2) {
    if (mib < CONTAINER_MEMORY_MIN_MIB) {
      invalid('memory', `must be at least ${fmt(CONTAINER_MEMORY_MIN_MIB)} MiB`, `${fmt(mib)} MiB`);
    }
    return;
  }
  checkFargateMemory('memory', cpu, mib);
}

/** Checks memory against the values Fargate allows for `cpu` vCPUs (skipped when `cpu` is a token). */
export function checkFargateMemory(property: string, cpu: number, mib: number): void {
  const allowed = fargateMemoryValues(cpu);
  if (allowed !== undefined && !allowed.includes(mib)) {
    invalid(property, `must be one of ${describeMemory(allowed)} MiB with ${fmt(cpu)} vCPU on Fargate`, `${fmt(mib)} MiB`);
  }
}

/** The memory values (MiB) Fargate allows for `cpu` vCPUs; undefined for a token or a value Fargate lacks. */
export function fargateMemoryValues(cpu: number): readonly number[] | undefined {
  return Token.isUnresolved(cpu) ? undefined : FARGATE_MEMORY_MIB.get(cpu);
}

/** `512, 1,024 or 2,048`, or `4,096 to 16,384 in steps of 1,024`. */
export function describeMemory(values: readonly number[]): string {
  if (values.length <= 3) {
    return `${values.slice(0, -1).map(fmt).join(', ')} or ${fmt(values[values.length - 1])}`;
  }
  return `${fmt(values[0])} to ${fmt(values[values.length - 1])} in steps of ${fmt(values[1] - values[0])}`;
}

/**
 * The memory of a job that gives none: 2 GiB, or on Fargate the least its vCPUs allow when that
 * is more (2 GiB per vCPU: 4 GiB for 2 vCPUs, up to 32 GiB for 16).
 */
export function defaultMemory(cpu: number, platform: Platform): Size {
  const least = platform === Platform.FARGATE ? fargateMemoryValues(cpu)?.[0] : undefined;
  return Size.mebibytes(Math.max(DEFAULT_MEMORY_MIB, least ?? 0));
}
