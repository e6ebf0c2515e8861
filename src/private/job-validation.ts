import { Token } from 'aws-cdk-lib';
import type { BatchJobProps } from '../batch-job';
import { Platform } from '../capacity';
import { checkEnvironmentNames, checkMin, checkSeconds } from './checks';
import { checkCount, checkLength, checkRange, invalid } from './errors';
import {
  ATTEMPT_TIMEOUT_MIN_SECONDS, ATTEMPTS_MAX, ATTEMPTS_MIN, EVALUATE_ON_EXIT_MAX, FARGATE_VCPU_VALUES,
  JOB_DEFINITION_NAME_MAX_LENGTH, JOB_DEFINITION_NAME_PATTERN,
} from './limits';

/** Checks the props of a `BatchJob` before anything is created. */
export function validateJobProps(props: BatchJobProps, platform: Platform): void {
  checkCpu(props.cpu, platform);
  if (props.gpu !== undefined && platform === Platform.FARGATE) {
    invalid('gpu', 'is only valid on EC2, since Fargate has no GPUs', `${props.gpu} on a Fargate job`);
  }
  checkMin('gpu', props.gpu, 1);
  checkEnvironmentNames('environmentVariables', props.environmentVariables);
  checkRange('attempts', props.attempts, ATTEMPTS_MIN, ATTEMPTS_MAX);
  checkCount('retryStrategies', props.retryStrategies, EVALUATE_ON_EXIT_MAX);
  checkSeconds('timeout', props.timeout, ATTEMPT_TIMEOUT_MIN_SECONDS);
  const name = props.jobDefinitionName;
  checkLength('jobDefinitionName', name, 1, JOB_DEFINITION_NAME_MAX_LENGTH);
  if (name !== undefined && !Token.isUnresolved(name) && !JOB_DEFINITION_NAME_PATTERN.test(name)) {
    invalid('jobDefinitionName', 'must contain only letters, digits, hyphens and underscores', JSON.stringify(name));
  }
}

function checkCpu(cpu: number | undefined, platform: Platform): void {
  if (cpu === undefined || Token.isUnresolved(cpu)) { return; }
  if (platform === Platform.EC2) {
    checkMin('cpu', cpu, 1);
  } else if (!FARGATE_VCPU_VALUES.includes(cpu)) {
    invalid('cpu', `must be one of ${FARGATE_VCPU_VALUES.join(', ')} on Fargate`, String(cpu));
  }
}

/** A log stream prefix from a construct id: letters, digits, `-` and `_` only. */
export function logStreamPrefix(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}
