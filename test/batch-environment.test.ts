import { CfnParameter, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BatchEnvironment } from '../src/batch-environment';
import { Capacity, Platform } from '../src/capacity';

function ceArn(logicalIdPrefix: string) {
  return { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${logicalIdPrefix}`), 'ComputeEnvironmentArn'] };
}

describe('defaults', () => {
  const stack = new Stack();
  const env = new BatchEnvironment(stack, 'Env');
  const template = Template.fromStack(stack);

  test('creates a VPC over 2 AZs with 1 NAT gateway and flow logs to a log group with retention', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('^EnvFlowLogGroup') },
      ResourceType: 'VPC',
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('creates one security group with no ingress and all egress', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
      SecurityGroupIngress: Match.absent(),
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('creates one Fargate compute environment in the private subnets', () => {
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: {
        Type: 'FARGATE',
        MaxvCpus: 256,
        Subnets: [
          { Ref: Match.stringLikeRegexp('^EnvVpcPrivateSubnet1') },
          { Ref: Match.stringLikeRegexp('^EnvVpcPrivateSubnet2') },
        ],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EnvSecurityGroup'), 'GroupId'] }],
      },
    });
    expect(env.platform).toBe(Platform.FARGATE);
    expect(env.assignPublicIp).toBe(false);
  });

  test('creates a job queue of priority 1 that cancels jobs stuck in RUNNABLE for an hour', () => {
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      Priority: 1,
      ComputeEnvironmentOrder: [{ ComputeEnvironment: ceArn('EnvFargate'), Order: 1 }],
      JobStateTimeLimitActions: [
        'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
        'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
        'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
      ].map((Reason) => ({ Action: 'CANCEL', MaxTimeSeconds: 3600, Reason, State: 'RUNNABLE' })),
    });
  });

  test('creates a job execution role trusted by ECS tasks, with no managed policy and no permissions yet', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    expect(env.jobExecutionRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
  });

  test('exposes what it created', () => {
    expect(env.vpc).toBeInstanceOf(ec2.Vpc);
    expect(env.jobQueue).toBeInstanceOf(batch.JobQueue);
    expect(env.computeEnvironments).toHaveLength(1);
    expect(env.securityGroups).toHaveLength(1);
    expect(env.jobLogGroup).toBeInstanceOf(logs.LogGroup);
  });
});

describe('capacity', () => {
  test('Spot first, then On-Demand, in that order', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', { capacity: [Capacity.fargateSpot(), Capacity.fargate({ maxvCpus: 16 })] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: { Type: 'FARGATE_SPOT', MaxvCpus: 256 } });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', { ComputeResources: { Type: 'FARGATE', MaxvCpus: 16 } });
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: ceArn('EnvFargateSpot'), Order: 1 },
        { ComputeEnvironment: ceArn('EnvFargate(?!Spot)'), Order: 2 },
      ],
    });
  });

  test('EC2 Spot then On-Demand, with instance choices and the platform EC2', () => {
    const stack = new Stack();
    const env = new BatchEnvironment(stack, 'Env', {
      capacity: [
        Capacity.ec2Spot({ instanceClasses: [ec2.InstanceClass.C6I], spotBidPercentage: 60, maxvCpus: 64 }),
        Capacity.ec2OnDemand({ instanceTypes: [new ec2.InstanceType('m6i.large')], minvCpus: 2 }),
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: {
        Type: 'SPOT',
        InstanceTypes: ['c6i'],
        BidPercentage: 60,
        MaxvCpus: 64,
        AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED',
      },
    });
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: { Type: 'EC2', InstanceTypes: ['m6i.large'], MinvCpus: 2, AllocationStrategy: 'BEST_FIT_PROGRESSIVE' },
    });
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: ceArn('EnvEc2Spot'), Order: 1 },
        { ComputeEnvironment: ceArn('EnvEc2OnDemand'), Order: 2 },
      ],
    });
    expect(env.platform).toBe(Platform.EC2);
  });

  test('EC2 defaults to Batch default x86_64 instance classes, on Amazon Linux 2023 (which requires IMDSv2)', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: { Type: 'EC2', InstanceTypes: ['default_x86_64'], MinvCpus: 0, Ec2Configuration: [{ ImageType: 'ECS_AL2023' }] },
    });
  });

  test('Graviton capacity', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', {
      capacity: [Capacity.ec2Spot({ instanceClasses: [ec2.InstanceClass.M7G] }), Capacity.ec2OnDemand({ instanceTypes: [new ec2.InstanceType('c7g.large')] })],
    });
    Template.fromStack(stack).resourceCountIs('AWS::Batch::ComputeEnvironment', 2);
  });

  test('BEST_FIT_PROGRESSIVE on Spot and BEST_FIT On-Demand are accepted', () => {
    expect(() => Capacity.ec2Spot({ allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE })).not.toThrow();
    expect(() => Capacity.ec2OnDemand({ allocationStrategy: batch.AllocationStrategy.BEST_FIT })).not.toThrow();
  });

  test('assignPublicIp false on EC2 is accepted: it is what EC2 does anyway', () => {
    expect(() => new BatchEnvironment(new Stack(), 'Env', { platform: Platform.EC2, assignPublicIp: false })).not.toThrow();
  });

  test('GPU picks NVIDIA instance classes and the ECS-optimized NVIDIA AMI', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2OnDemand({ gpu: true })] });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: {
        InstanceTypes: ['g4dn', 'g5', 'g6'],
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
      },
    });
  });

  test('GPU keeps the instance types given', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2Spot({ gpu: true, instanceTypes: [new ec2.InstanceType('p4d.24xlarge')] })] });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: { InstanceTypes: ['p4d.24xlarge'], Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }] },
    });
  });

  test('two capacities of one kind get distinct ids', () => {
    const stack = new Stack();
    const env = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.fargateSpot({ maxvCpus: 8 }), Capacity.fargateSpot()] });
    expect(env.computeEnvironments.map((ce) => ce.node.id)).toEqual(['FargateSpot', 'FargateSpot2']);
  });
});

describe('options', () => {
  test('natGateways, priority, cancelStuckJobsAfter, scheduling policy, public IP and log retention', () => {
    const stack = new Stack();
    const schedulingPolicy = new batch.FairshareSchedulingPolicy(stack, 'Policy');
    const env = new BatchEnvironment(stack, 'Env', {
      natGateways: 2,
      priority: 1000,
      cancelStuckJobsAfter: Duration.minutes(10),
      schedulingPolicy,
      assignPublicIp: true,
      jobLogRetention: logs.RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      Priority: 1000,
      SchedulingPolicyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Policy'), 'Arn'] },
      JobStateTimeLimitActions: Match.arrayWith([Match.objectLike({ MaxTimeSeconds: 600 })]),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(env.assignPublicIp).toBe(true);
  });

  test('cancelStuckJobs: false renders no time limit actions', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env', { cancelStuckJobs: false });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobQueue', { JobStateTimeLimitActions: Match.absent() });
  });
});

describe('given resources are used instead of created ones', () => {
  test('vpc, vpcSubnets and securityGroups', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'MyVpc', { natGateways: 0, subnetConfiguration: [{ name: 'Iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'MySg', { vpc });
    const env = new BatchEnvironment(stack, 'Env', {
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [sg],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: {
        Subnets: [{ Ref: Match.stringLikeRegexp('^MyVpcIsoSubnet1') }, { Ref: Match.stringLikeRegexp('^MyVpcIsoSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MySg'), 'GroupId'] }],
      },
    });
    expect(env.vpc).toBe(vpc);
    expect(env.securityGroups).toEqual([sg]);
  });

  test('jobQueue: nothing of compute or queue is created', () => {
    const stack = new Stack();
    const jobQueue = batch.JobQueue.fromJobQueueArn(stack, 'Q', 'arn:aws:batch:us-east-1:123456789012:job-queue/q');
    const env = new BatchEnvironment(stack, 'Env', { jobQueue, platform: Platform.EC2 });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::SecurityGroup', 'AWS::Batch::ComputeEnvironment', 'AWS::Batch::JobQueue']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    expect(env.jobQueue).toBe(jobQueue);
    expect(env.platform).toBe(Platform.EC2);
    expect(env.vpc).toBeUndefined();
    expect(env.computeEnvironments).toEqual([]);
  });

  test('jobQueue of this app: its compute environments tell the platform, which must be the one given', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'V');
    const jobQueue = new batch.JobQueue(stack, 'Q', {
      computeEnvironments: [{ computeEnvironment: new batch.ManagedEc2EcsComputeEnvironment(stack, 'E', { vpc }), order: 1 }],
    });
    const env = new BatchEnvironment(stack, 'Env', { jobQueue, platform: Platform.EC2 });
    expect(env.jobQueue).toBe(jobQueue);
    expect(env.platform).toBe(Platform.EC2);
    expect(() => new BatchEnvironment(stack, 'Fargate', { jobQueue, platform: Platform.FARGATE }))
      .toThrow(/^`platform` must be the platform of the compute environments of `jobQueue` \(EC2\), got FARGATE$/);
  });

  test('computeEnvironments: only the queue is created, over them in order', () => {
    const stack = new Stack();
    const a = batch.FargateComputeEnvironment.fromFargateComputeEnvironmentArn(stack, 'A', 'arn:aws:batch:us-east-1:123456789012:compute-environment/a');
    const b = batch.FargateComputeEnvironment.fromFargateComputeEnvironmentArn(stack, 'B', 'arn:aws:batch:us-east-1:123456789012:compute-environment/b');
    const env = new BatchEnvironment(stack, 'Env', { computeEnvironments: [a, b], platform: Platform.FARGATE });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::Batch::ComputeEnvironment', 0);
    template.hasResourceProperties('AWS::Batch::JobQueue', {
      ComputeEnvironmentOrder: [
        { ComputeEnvironment: 'arn:aws:batch:us-east-1:123456789012:compute-environment/a', Order: 1 },
        { ComputeEnvironment: 'arn:aws:batch:us-east-1:123456789012:compute-environment/b', Order: 2 },
      ],
    });
    expect(env.computeEnvironments).toEqual([a, b]);
  });
});

describe('validation', () => {
  const queue = (stack: Stack) => batch.JobQueue.fromJobQueueArn(stack, 'Q', 'arn:aws:batch:us-east-1:123456789012:job-queue/q');
  const ce = (stack: Stack) => batch.FargateComputeEnvironment.fromFargateComputeEnvironmentArn(stack, 'CE', 'arn:aws:batch:us-east-1:123456789012:compute-environment/a');

  test.each([
    ['vpc with natGateways', (s: Stack) => ({ vpc: new ec2.Vpc(s, 'V'), natGateways: 2 }),
      /^`vpc` cannot be used with `natGateways`: NAT gateways are only created with the VPC/],
    ['jobQueue with capacity', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, capacity: [Capacity.fargate()] }),
      /^`jobQueue` cannot be used with `capacity`: give an existing job queue or the options to create one, not both$/],
    ['jobQueue with priority', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, priority: 5 }),
      /^`jobQueue` cannot be used with `priority`/],
    ['jobQueue with computeEnvironments', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, computeEnvironments: [ce(s)] }),
      /^`jobQueue` cannot be used with `computeEnvironments`/],
    ['jobQueue with schedulingPolicy', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, schedulingPolicy: new batch.FairshareSchedulingPolicy(s, 'P') }),
      /^`jobQueue` cannot be used with `schedulingPolicy`/],
    ['jobQueue with vpc', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, vpc: new ec2.Vpc(s, 'V') }),
      /^`jobQueue` cannot be used with `vpc`: give an existing job queue or the options to create one, not both$/],
    ['jobQueue with securityGroups', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, securityGroups: [] }),
      /^`jobQueue` cannot be used with `securityGroups`/],
    ['jobQueue with cancelStuckJobs', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, cancelStuckJobs: false }),
      /^`jobQueue` cannot be used with `cancelStuckJobs`/],
    ['jobQueue with cancelStuckJobsAfter', (s: Stack) => ({ jobQueue: queue(s), platform: Platform.FARGATE, cancelStuckJobsAfter: Duration.hours(2) }),
      /^`jobQueue` cannot be used with `cancelStuckJobsAfter`/],
    ['computeEnvironments with natGateways', (s: Stack) => ({ computeEnvironments: [ce(s)], platform: Platform.FARGATE, natGateways: 2 }),
      /^`computeEnvironments` cannot be used with `natGateways`: give existing compute environments or the options to create them, not both$/],
    ['computeEnvironments with vpcSubnets', (s: Stack) => ({ computeEnvironments: [ce(s)], platform: Platform.FARGATE, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
      /^`computeEnvironments` cannot be used with `vpcSubnets`/],
    ['computeEnvironments with capacity', (s: Stack) => ({ computeEnvironments: [ce(s)], platform: Platform.FARGATE, capacity: [Capacity.fargate()] }),
      /^`computeEnvironments` cannot be used with `capacity`: give existing compute environments or the options to create them, not both$/],
    ['platform with capacity', () => ({ platform: Platform.EC2, capacity: [Capacity.fargate()] }),
      /^`platform` cannot be used with `capacity`: the platform comes from the capacity$/],
    ['jobQueue without platform', (s: Stack) => ({ jobQueue: queue(s) }),
      /^`platform` must be given with `jobQueue` or `computeEnvironments`, since Batch cannot tell whether they run Fargate or EC2, got nothing$/],
    ['cancelStuckJobsAfter with cancelStuckJobs false', () => ({ cancelStuckJobs: false, cancelStuckJobsAfter: Duration.hours(2) }),
      /^`cancelStuckJobsAfter` cannot be used with `cancelStuckJobs`/],
    ['priority out of range', () => ({ priority: 5000 }),
      /^`priority` must be an integer between 0 and 1,000, got 5000$/],
    ['natGateways out of range', () => ({ natGateways: 3 }),
      /^`natGateways` must be an integer between 1 and 2, got 3$/],
    ['cancelStuckJobsAfter too short', () => ({ cancelStuckJobsAfter: Duration.minutes(5) }),
      /^`cancelStuckJobsAfter` must be between 600 and 86,400 seconds, got 300 seconds$/],
    ['cancelStuckJobsAfter too long', () => ({ cancelStuckJobsAfter: Duration.days(2) }),
      /^`cancelStuckJobsAfter` must be between 600 and 86,400 seconds, got 172,800 seconds$/],
    ['mixed platforms', () => ({ capacity: [Capacity.fargateSpot(), Capacity.ec2OnDemand()] }),
      /^`capacity` must be all Fargate or all EC2, since a Batch job queue cannot mix them, got FARGATE, EC2$/],
    ['too many capacities', () => ({ capacity: [Capacity.fargateSpot(), Capacity.fargate(), Capacity.fargateSpot(), Capacity.fargate()] }),
      /^`capacity` must have at most 3 entries, got 4 entries$/],
    ['empty capacity', () => ({ capacity: [] }),
      /^`capacity` must have at least 1 entry, got 0 entries$/],
    ['too many computeEnvironments', (s: Stack) => ({ platform: Platform.FARGATE, computeEnvironments: [1, 2, 3, 4].map((i) => batch.FargateComputeEnvironment.fromFargateComputeEnvironmentArn(s, `C${i}`, `arn:aws:batch:us-east-1:123456789012:compute-environment/c${i}`)) }),
      /^`computeEnvironments` must have at most 3 entries, got 4 entries$/],
    ['empty computeEnvironments', () => ({ platform: Platform.FARGATE, computeEnvironments: [] }),
      /^`computeEnvironments` must have at least 1 entry, got 0 entries$/],
    ['empty securityGroups', (s: Stack) => ({ vpc: new ec2.Vpc(s, 'V'), securityGroups: [] }),
      /^`securityGroups` must have at least 1 entry, since Batch compute environments need a security group, got 0 entries$/],
    ['a vpc without private subnets with egress, and no vpcSubnets', (s: Stack) => ({
      vpc: new ec2.Vpc(s, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'Iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    }), /^`vpcSubnets` must be given when `vpc` has no private subnets with egress, which are selected by default, got a VPC with 0 public and 2 isolated subnets$/],
    ['securityGroups without vpc', (s: Stack) => ({ securityGroups: [new ec2.SecurityGroup(s, 'G', { vpc: new ec2.Vpc(s, 'V') })] }),
      /^`securityGroups` must be given with `vpc`, the VPC they belong to: without it the environment creates a VPC of its own, and a security group of another VPC cannot be attached in its subnets, got security groups and no `vpc`$/],
    ['computeEnvironments of Fargate and EC2', (s: Stack) => {
      const vpc = new ec2.Vpc(s, 'V');
      return {
        platform: Platform.FARGATE,
        computeEnvironments: [
          new batch.FargateComputeEnvironment(s, 'F', { vpc }), ce(s), new batch.ManagedEc2EcsComputeEnvironment(s, 'E', { vpc }),
        ],
      };
    }, /^`computeEnvironments` must be all Fargate or all EC2, since a Batch job queue cannot mix them, got FARGATE, EC2$/],
    ['a platform other than that of computeEnvironments', (s: Stack) => ({
      platform: Platform.FARGATE, computeEnvironments: [new batch.ManagedEc2EcsComputeEnvironment(s, 'E', { vpc: new ec2.Vpc(s, 'V') })],
    }), /^`platform` must be the platform of `computeEnvironments` \(EC2\), got FARGATE$/],
    ['capacity of two CPU architectures', () => ({
      capacity: [Capacity.ec2Spot({ instanceTypes: [new ec2.InstanceType('m6g.large')] }), Capacity.ec2OnDemand()],
    }), /^`capacity` must launch instances of one CPU architecture, since the compute environments of a Batch job queue share one, got arm64 \(Ec2Spot\), x86_64 \(Ec2OnDemand\)$/],
    ['a platform other than that of the compute environments of a jobQueue of this app', (s: Stack) => ({
      platform: Platform.EC2,
      jobQueue: new batch.JobQueue(s, 'Q', {
        computeEnvironments: [{ computeEnvironment: new batch.FargateComputeEnvironment(s, 'F', { vpc: new ec2.Vpc(s, 'V') }), order: 1 }],
      }),
    }), /^`platform` must be the platform of the compute environments of `jobQueue` \(FARGATE\), got EC2$/],
    ['assignPublicIp on EC2 capacity', () => ({ capacity: [Capacity.ec2Spot(), Capacity.ec2OnDemand()], assignPublicIp: true }),
      /^`assignPublicIp` is only valid on Fargate; on EC2 the subnet decides whether instances get a public IP, got an EC2 environment \(`capacity` Ec2Spot, Ec2OnDemand\)$/],
    ['assignPublicIp on the EC2 platform', () => ({ platform: Platform.EC2, assignPublicIp: true }),
      /^`assignPublicIp` is only valid on Fargate; on EC2 the subnet decides whether instances get a public IP, got an EC2 environment \(`platform` EC2\)$/],
  ])('%s', (_name, props, message) => {
    const stack = new Stack();
    expect(() => new BatchEnvironment(stack, 'Env', props(stack))).toThrow(message);
  });

  test.each([
    ['maxvCpus', () => Capacity.fargate({ maxvCpus: 0 }), /^`maxvCpus` must be an integer of at least 1, got 0$/],
    ['minvCpus above maxvCpus', () => Capacity.ec2OnDemand({ maxvCpus: 4, minvCpus: 8 }), /^`minvCpus` must be an integer between 0 and `maxvCpus` \(4\), got 8$/],
    ['minvCpus above the default maxvCpus', () => Capacity.ec2OnDemand({ minvCpus: 300 }),
      /^`minvCpus` must be an integer between 0 and `maxvCpus` \(256 by default\), got 300$/],
    ['minvCpus negative with a token maxvCpus', () => Capacity.ec2OnDemand({ maxvCpus: Token.asNumber({ Ref: 'Max' }), minvCpus: -1 }),
      /^`minvCpus` must be an integer of at least 0, got -1$/],
    ['spotBidPercentage', () => Capacity.ec2Spot({ spotBidPercentage: 120 }), /^`spotBidPercentage` must be an integer between 1 and 100, got 120$/],
    ['spotBidPercentage 0, which never launches an instance', () => Capacity.ec2Spot({ spotBidPercentage: 0 }),
      /^`spotBidPercentage` must be an integer between 1 and 100, got 0$/],
    ['BEST_FIT on Spot', () => Capacity.ec2Spot({ allocationStrategy: batch.AllocationStrategy.BEST_FIT }),
      /^`allocationStrategy` must not be BEST_FIT on Spot, where it needs a Spot Fleet role: use SPOT_PRICE_CAPACITY_OPTIMIZED \(the default\), SPOT_CAPACITY_OPTIMIZED or BEST_FIT_PROGRESSIVE, got BEST_FIT$/],
    ['a Spot strategy On-Demand', () => Capacity.ec2OnDemand({ allocationStrategy: batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED }),
      /^`allocationStrategy` must be BEST_FIT_PROGRESSIVE \(the default\) or BEST_FIT On-Demand, since the SPOT_ strategies are for Spot only, got SPOT_CAPACITY_OPTIMIZED$/],
    ['A1 instances, which Amazon Linux 2023 does not run on', () => Capacity.ec2Spot({
      instanceTypes: [new ec2.InstanceType('a1.large')], instanceClasses: [ec2.InstanceClass.A1, ec2.InstanceClass.M6G],
    }), /^`instanceTypes` and `instanceClasses` must not be A1 instances, which the ECS-optimized Amazon Linux 2023 AMI does not support, got a1.large, a1$/],
    ['GPU instances the NVIDIA AMI does not support', () => Capacity.ec2OnDemand({
      gpu: true, instanceTypes: [new ec2.InstanceType('p3.2xlarge'), new ec2.InstanceType('g5.xlarge')], instanceClasses: [ec2.InstanceClass.G5G],
    }), /^`instanceTypes` and `instanceClasses` with `gpu` must be x86_64 instances the ECS-optimized Amazon Linux 2023 NVIDIA AMI supports \(not Graviton, P3 or G3\), got p3.2xlarge, g5g$/],
    ['empty instance lists', () => Capacity.ec2Spot({ instanceTypes: [] }), /^`instanceTypes` or `instanceClasses` must name at least one instance type or class when given, got none$/],
    ['instances of two CPU architectures', () => Capacity.ec2Spot({
      instanceTypes: [new ec2.InstanceType('m5.large')], instanceClasses: [ec2.InstanceClass.M7G, ec2.InstanceClass.C6I],
    }), /^`instanceTypes` and `instanceClasses` must be of one CPU architecture, since a Batch compute environment cannot mix x86_64 and arm64 instances, got m5.large \(x86_64\), m7g \(arm64\), c6i \(x86_64\)$/],
  ])('Capacity %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('token values skip validation', () => {
    const stack = new Stack();
    const number = (n: number) => Lazy.number({ produce: () => n });
    expect(() => new BatchEnvironment(stack, 'Env', {
      priority: number(5000),
      natGateways: 1,
      capacity: [Capacity.ec2Spot({ maxvCpus: number(0), minvCpus: 1, spotBidPercentage: number(500) })],
    })).not.toThrow();
  });

  test.each([
    // ec2.Vpc would build no NAT gateway for a token and leave the private subnets without a way out.
    ['natGateways', (s: Stack) => ({ natGateways: new CfnParameter(s, 'Nat', { type: 'Number', default: 2 }).valueAsNumber }),
      '`natGateways` must be known when the environment is built (1 or 2), since it decides how many NAT gateways the VPC is built '
      + 'with, got a token'],
    // The JobQueue L2 checks it at synth, and would take the token's number for the duration.
    ['cancelStuckJobsAfter', (s: Stack) => ({ cancelStuckJobsAfter: Duration.seconds(new CfnParameter(s, 'After', { type: 'Number' }).valueAsNumber) }),
      '`cancelStuckJobsAfter` must be a Duration of 10 minutes to 24 hours known when the environment is built, since the job queue L2 '
      + 'checks it then, got a token'],
  ])('a token %s fails, naming it', (_name, props, message) => {
    const stack = new Stack();
    expect(() => new BatchEnvironment(stack, 'Env', props(stack))).toThrow(new Error(message));
  });

  test('the execution role is a plain role (no managed policy) even on EC2', () => {
    const stack = new Stack();
    const env = new BatchEnvironment(stack, 'Env', { platform: Platform.EC2 });
    expect(env.jobExecutionRole).toBeInstanceOf(iam.Role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('Fargate in public subnets', () => {
  const WARNING = '`vpcSubnets` selects public subnets for Fargate jobs, and `assignPublicIp` is false. A Fargate task in a '
    + 'public subnet reaches the internet only through a public IP of its own, so jobs cannot pull their image or '
    + 'write their logs unless the VPC has endpoints for ECR, S3 and CloudWatch Logs. Set `assignPublicIp` to true, '
    + 'or select private subnets that have a NAT gateway. [ack: cdk-batch-stepfunctions:fargatePublicSubnetWithoutPublicIp]';
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('public subnets'));

  test.each([
    ['by subnet type', { subnetType: ec2.SubnetType.PUBLIC }],
    ['by the subnets themselves', undefined],
  ])('selected %s, without a public IP: a warning on the environment', (_, selection) => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    new BatchEnvironment(stack, 'Env', { vpc, vpcSubnets: selection ?? { subnets: [vpc.publicSubnets[0]] } });
    expect(warnings(stack)).toEqual([expect.objectContaining({ id: '/Default/Env', entry: expect.objectContaining({ type: 'aws:cdk:warning', data: WARNING }) })]);
  });

  test.each([
    ['with a public IP', { assignPublicIp: true }],
    ['on EC2', { capacity: [Capacity.ec2OnDemand()] }],
  ])('public subnets %s: no warning', (_, more) => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    new BatchEnvironment(stack, 'Env', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, ...more });
    expect(warnings(stack)).toEqual([]);
  });

  test('the default private subnets: no warning', () => {
    const stack = new Stack();
    new BatchEnvironment(stack, 'Env');
    expect(warnings(stack)).toEqual([]);
  });
});
