import { Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import type { BatchEnvironmentProps } from '../batch-environment';
import { Capacity, Platform } from '../capacity';
import { checkSeconds, conflict, rejectWith } from './checks';
import { checkCount, checkRange, fmt, invalid } from './errors';
import { computeEnvironmentPlatform } from './job-placement';
import {
  COMPUTE_ENVIRONMENTS_PER_QUEUE_MAX, JOB_QUEUE_PRIORITY_MAX, JOB_QUEUE_PRIORITY_MIN,
  JOB_STATE_TIME_LIMIT_MAX_SECONDS, JOB_STATE_TIME_LIMIT_MIN_SECONDS, NAT_GATEWAYS_MAX, NAT_GATEWAYS_MIN,
} from './limits';

/**
 * Checks the props of a `BatchEnvironment` before anything is created, and returns the capacity
 * to create (empty when the user brings the job queue or the compute environments).
 */
export function validateEnvironmentProps(props: BatchEnvironmentProps): Capacity[] {
  const network = {
    vpc: props.vpc,
    natGateways: props.natGateways,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
  };
  if (props.jobQueue) {
    rejectWith('jobQueue', {
      capacity: props.capacity,
      computeEnvironments: props.computeEnvironments,
      priority: props.priority,
      schedulingPolicy: props.schedulingPolicy,
      cancelStuckJobs: props.cancelStuckJobs,
      cancelStuckJobsAfter: props.cancelStuckJobsAfter,
      ...network,
    }, 'give an existing job queue or the options to create one, not both');
  }
  if (props.computeEnvironments) {
    rejectWith('computeEnvironments', { capacity: props.capacity, ...network },
      'give existing compute environments or the options to create them, not both');
    checkCount('computeEnvironments', props.computeEnvironments, COMPUTE_ENVIRONMENTS_PER_QUEUE_MAX);
    if (props.computeEnvironments.length === 0) {
      invalid('computeEnvironments', 'must have at least 1 entry', '0 entries');
    }
    checkComputeEnvironmentPlatforms('computeEnvironments', '`computeEnvironments`', props.computeEnvironments, props.platform);
  }
  if (props.jobQueue instanceof batch.JobQueue) {
    // A queue of this app tells the platform of its compute environments, as `computeEnvironments` do.
    checkComputeEnvironmentPlatforms('jobQueue', 'the compute environments of `jobQueue`',
      props.jobQueue.computeEnvironments.map((ce) => ce.computeEnvironment), props.platform);
  }
  if (props.vpc && props.natGateways !== undefined) {
    conflict('vpc', 'natGateways', 'NAT gateways are only created with the VPC; configure them on your own VPC');
  }
  if (props.capacity && props.platform !== undefined) {
    conflict('platform', 'capacity', 'the platform comes from the capacity');
  }
  if ((props.jobQueue || props.computeEnvironments) && props.platform === undefined) {
    invalid('platform', 'must be given with `jobQueue` or `computeEnvironments`, since Batch cannot tell whether they run Fargate or EC2', 'nothing');
  }
  if (props.cancelStuckJobs === false && props.cancelStuckJobsAfter !== undefined) {
    conflict('cancelStuckJobsAfter', 'cancelStuckJobs', 'stuck jobs are not cancelled when `cancelStuckJobs` is false');
  }
  if (props.vpc !== undefined && props.vpcSubnets === undefined && props.vpc.privateSubnets.length === 0) {
    const has = [['public', props.vpc.publicSubnets], ['isolated', props.vpc.isolatedSubnets]] as const;
    invalid('vpcSubnets', 'must be given when `vpc` has no private subnets with egress, which are selected by default',
      `a VPC with ${has.map(([type, subnets]) => `${subnets.length} ${type}`).join(' and ')} subnets`);
  }
  if (props.securityGroups !== undefined && props.vpc === undefined) {
    invalid('securityGroups', 'must be given with `vpc`, the VPC they belong to: without it the environment creates a VPC of its own, '
      + 'and a security group of another VPC cannot be attached in its subnets', 'security groups and no `vpc`');
  }
  if (props.securityGroups !== undefined && props.securityGroups.length === 0) {
    invalid('securityGroups', 'must have at least 1 entry, since Batch compute environments need a security group', '0 entries');
  }
  if (props.natGateways !== undefined && Token.isUnresolved(props.natGateways)) {
    // ec2.Vpc counts its NAT gateways at synth: a token's number builds none, and private subnets without a way out.
    invalid('natGateways', `must be known when the environment is built (${NAT_GATEWAYS_MIN} or ${NAT_GATEWAYS_MAX}), since it decides how `
      + 'many NAT gateways the VPC is built with', 'a token');
  }
  if (props.cancelStuckJobsAfter?.isUnresolved()) {
    // aws-cdk-lib's JobQueue checks it at synth and takes a token's number for the duration.
    invalid('cancelStuckJobsAfter', `must be a Duration of ${fmt(JOB_STATE_TIME_LIMIT_MIN_SECONDS / 60)} minutes to `
      + `${fmt(JOB_STATE_TIME_LIMIT_MAX_SECONDS / 3600)} hours known when the environment is built, since the job queue L2 checks it then`,
    'a token');
  }
  checkRange('natGateways', props.natGateways, NAT_GATEWAYS_MIN, NAT_GATEWAYS_MAX);
  checkRange('priority', props.priority, JOB_QUEUE_PRIORITY_MIN, JOB_QUEUE_PRIORITY_MAX);
  checkSeconds('cancelStuckJobsAfter', props.cancelStuckJobsAfter,
    JOB_STATE_TIME_LIMIT_MIN_SECONDS, JOB_STATE_TIME_LIMIT_MAX_SECONDS);

  const capacity = props.jobQueue || props.computeEnvironments
    ? []
    : props.capacity ?? [props.platform === Platform.EC2 ? Capacity.ec2OnDemand() : Capacity.fargate()];
  checkCapacity(capacity, props.capacity !== undefined);

  const platform = props.platform ?? capacity[0]?.platform;
  if (props.assignPublicIp === true && platform === Platform.EC2) {
    const source = props.platform !== undefined ? '`platform` EC2' : `\`capacity\` ${capacity.map((c) => c._name).join(', ')}`;
    invalid('assignPublicIp', 'is only valid on Fargate; on EC2 the subnet decides whether instances get a public IP', `an EC2 environment (${source})`);
  }
  return capacity;
}

/**
 * The compute environments of this app among those given (of `computeEnvironments`, or of the
 * `jobQueue`) run one platform, the one `platform` says (imported ones are not known here).
 * `described` names them in the message about `platform`.
 */
function checkComputeEnvironmentPlatforms(property: string, described: string, computeEnvironments: object[], platform: Platform | undefined): void {
  const known = computeEnvironments.map((ce) => computeEnvironmentPlatform(ce)).filter((p): p is Platform => p !== undefined);
  if (new Set(known).size > 1) {
    invalid(property, 'must be all Fargate or all EC2, since a Batch job queue cannot mix them', known.join(', '));
  }
  if (known.length > 0 && platform !== undefined && platform !== known[0]) {
    invalid('platform', `must be the platform of ${described} (${known[0]})`, platform);
  }
}

function checkCapacity(capacity: Capacity[], given: boolean): void {
  if (given && capacity.length === 0) {
    invalid('capacity', 'must have at least 1 entry', '0 entries');
  }
  checkCount('capacity', capacity, COMPUTE_ENVIRONMENTS_PER_QUEUE_MAX);
  const platforms = capacity.map((c) => c.platform);
  if (new Set(platforms).size > 1) {
    invalid('capacity', 'must be all Fargate or all EC2, since a Batch job queue cannot mix them', platforms.join(', '));
  }
  const architectures = capacity.map((c) => [...c._architectures()]);
  if (capacity.length > 1 && new Set(architectures.flat()).size > 1) {
    invalid('capacity', 'must launch instances of one CPU architecture, since the compute environments of a Batch job queue share one',
      architectures.map((a, i) => `${a.join(' and ')} (${capacity[i]._name})`).join(', '));
  }
}
