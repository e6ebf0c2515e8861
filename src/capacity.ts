import { Token, Validations } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { CapacityBindContext } from './private/capacity-context';
import { checkMin } from './private/checks';
import { checkRange, fmt, invalid } from './private/errors';
import { SPOT_BID_PERCENTAGE_MAX, SPOT_BID_PERCENTAGE_MIN } from './private/limits';

/**
 * Where the containers of a job run. A Batch job queue runs on one platform only.
 */
export enum Platform {
  /** AWS Fargate (`FARGATE` and `FARGATE_SPOT` compute environments). */
  FARGATE = 'FARGATE',
  /** Amazon EC2 instances managed by Batch through Amazon ECS (`EC2` and `SPOT` compute environments). */
  EC2 = 'EC2',
}

/**
 * Options common to every capacity.
 */
export interface CapacityOptions {
  /**
   * The most vCPUs the compute environment scales up to. An integer of at least 1.
   *
   * @default 256
   */
  readonly maxvCpus?: number;
}

/**
 * Options of an EC2 capacity, On-Demand or Spot.
 */
export interface Ec2CapacityOptions extends CapacityOptions {
  /**
   * The instance types the compute environment may launch.
   *
   * @default - none when `instanceClasses` is given; otherwise Batch's default x86_64 instance classes
   * (`default_x86_64`), or the G4dn, G5 and G6 classes when `gpu` is true
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * The instance classes the compute environment may launch; Batch picks the size.
   *
   * @default - none when `instanceTypes` is given; otherwise Batch's default x86_64 instance classes
   * (`default_x86_64`), or G4dn, G5 and G6 when `gpu` is true (not every region offers all three: a
   * compute environment with a class its region lacks fails to deploy, so give the classes your
   * region has)
   */
  readonly instanceClasses?: ec2.InstanceClass[];

  /**
   * Whether jobs need NVIDIA GPUs. When true, instances boot the ECS-optimized Amazon Linux 2023
   * NVIDIA AMI (`ECS_AL2023_NVIDIA`) and, unless you choose instances, come from the G4dn, G5 and G6
   * classes. That AMI runs on x86_64 instances but P3 and G3. GPU instances you name need it too:
   * without it they boot an AMI without GPU drivers, and offer jobs no GPU.
   *
   * @default false: the ECS-optimized Amazon Linux 2023 AMI (`ECS_AL2023`), on every instance
   */
  readonly gpu?: boolean;

  /**
   * How Batch picks instances when the best fitting type is not available.
   *
   * @default - `BEST_FIT_PROGRESSIVE` On-Demand, `SPOT_PRICE_CAPACITY_OPTIMIZED` on Spot
   */
  readonly allocationStrategy?: batch.AllocationStrategy;

  /**
   * The fewest vCPUs the compute environment keeps running, even when idle. Between 0 and `maxvCpus`.
   *
   * @default 0
   */
  readonly minvCpus?: number;
}

/**
 * Options of an EC2 Spot capacity.
 */
export interface Ec2SpotCapacityOptions extends Ec2CapacityOptions {
  /**
   * The most a Spot instance may cost, as a percentage (1 to 100) of its On-Demand price.
   *
   * @default - 100, the On-Demand price
   */
  readonly spotBidPercentage?: number;
}

/** The internal description of a capacity, whatever the factory. */
interface CapacitySpec extends Ec2SpotCapacityOptions {
  readonly platform: Platform;
  readonly spot: boolean;
  readonly name: string;
}

/**
 * One compute environment of a job queue: Fargate or EC2, On-Demand or Spot.
 *
 * Give a `BatchEnvironment` a list in fallback order, for example Spot first and then On-Demand:
 * `[Capacity.fargateSpot(), Capacity.fargate()]`.
 *
 * @see https://docs.aws.amazon.com/batch/latest/userguide/compute_environments.html
 */
export class Capacity {
  /** Fargate On-Demand (`FARGATE`). */
  public static fargate(options: CapacityOptions = {}): Capacity {
    return new Capacity({ ...options, platform: Platform.FARGATE, spot: false, name: 'Fargate' });
  }

  /** Fargate Spot (`FARGATE_SPOT`): cheaper, and tasks may be stopped with two minutes' notice. */
  public static fargateSpot(options: CapacityOptions = {}): Capacity {
    return new Capacity({ ...options, platform: Platform.FARGATE, spot: true, name: 'FargateSpot' });
  }

  /** EC2 On-Demand instances (`EC2`). */
  public static ec2OnDemand(options: Ec2CapacityOptions = {}): Capacity {
    return new Capacity({ ...options, platform: Platform.EC2, spot: false, name: 'Ec2OnDemand' });
  }

  /** EC2 Spot instances (`SPOT`): cheaper, and instances may be reclaimed with two minutes' notice. */
  public static ec2Spot(options: Ec2SpotCapacityOptions = {}): Capacity {
    return new Capacity({ ...options, platform: Platform.EC2, spot: true, name: 'Ec2Spot' });
  }

  /** Where the jobs of this capacity run. */
  public readonly platform: Platform;

  /** Whether this capacity uses Spot (Fargate Spot or EC2 Spot). */
  public readonly spot: boolean;

  /** The most vCPUs the compute environment scales up to. */
  public readonly maxvCpus: number;

  /**
   * A name for the compute environment this capacity creates, used in its construct id.
   *
   * @internal
   */
  public readonly _name: string;

  private readonly spec: CapacitySpec;

  private constructor(spec: CapacitySpec) {
    const maxvCpus = spec.maxvCpus ?? 256;
    checkMin('maxvCpus', maxvCpus, 1);
    if (Token.isUnresolved(maxvCpus)) {
      checkMin('minvCpus', spec.minvCpus, 0);
    } else {
      checkRange('minvCpus', spec.minvCpus, 0, maxvCpus, `\`maxvCpus\` (${fmt(maxvCpus)}${spec.maxvCpus === undefined ? ' by default' : ''})`);
    }
    checkRange('spotBidPercentage', spec.spotBidPercentage, SPOT_BID_PERCENTAGE_MIN, SPOT_BID_PERCENTAGE_MAX);
    const instanceCount = (spec.instanceTypes?.length ?? 0) + (spec.instanceClasses?.length ?? 0);
    if ((spec.instanceTypes !== undefined || spec.instanceClasses !== undefined) && instanceCount === 0) {
      invalid('instanceTypes', 'or `instanceClasses` must name at least one instance type or class when given', 'none');
    }
    checkAllocationStrategy(spec);
    checkInstancesForImage(spec);
    checkOneArchitecture(spec);
    this.spec = spec;
    this.platform = spec.platform;
    this.spot = spec.spot;
    this.maxvCpus = maxvCpus;
    this._name = spec.name;
  }

  /**
   * The CPU architectures of the instances this capacity launches: none on Fargate (the job
   * definition chooses), x86_64 for Batch's default classes and the GPU classes.
   *
   * @internal
   */
  public _architectures(): Set<ec2.InstanceArchitecture> {
    if (this.platform === Platform.FARGATE) { return new Set(); }
    const instances = namedInstances(this.spec);
    if (instances.length === 0) { return new Set([ec2.InstanceArchitecture.X86_64]); }
    return new Set(namedArchitectures(instances).map(([, architecture]) => architecture));
  }

  /**
   * Creates the compute environment of this capacity.
   *
   * @internal
   */
  public _bind(scope: Construct, id: string, context: CapacityBindContext): batch.IManagedComputeEnvironment {
    const common = {
      vpc: context.vpc,
      vpcSubnets: context.vpcSubnets,
      securityGroups: context.securityGroups,
      spot: this.spot,
      maxvCpus: this.maxvCpus,
    };
    if (this.platform === Platform.FARGATE) {
      return new batch.FargateComputeEnvironment(scope, id, common);
    }
    const s = this.spec;
    const chosen = s.instanceTypes !== undefined || s.instanceClasses !== undefined;
    const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(scope, id, {
      ...common,
      minvCpus: s.minvCpus,
      allocationStrategy: s.allocationStrategy,
      spotBidPercentage: s.spotBidPercentage,
      instanceTypes: s.instanceTypes,
      instanceClasses: s.instanceClasses ?? (s.gpu && !chosen ? GPU_INSTANCE_CLASSES : undefined),
      // Never Batch's legacy "optimal" (C4, M4, R4). With `defaultInstanceClasses`, leave this unset:
      // the L2's instance check ignores `defaultInstanceClasses` and would fail on `false`.
      useOptimalInstanceClasses: chosen || s.gpu ? false : undefined,
      defaultInstanceClasses: chosen || s.gpu ? undefined : [batch.DefaultInstanceClass.X86_64],
      // Amazon Linux 2023, which requires IMDSv2, whatever the account's or partition's default AMI.
      images: [{ imageType: s.gpu ? batch.EcsMachineImageType.ECS_AL2023_NVIDIA : batch.EcsMachineImageType.ECS_AL2023 }],
    });
    // The instance role aws-cdk-lib creates for the ECS agent carries this AWS managed policy, which
    // cdk-nag's IAM4 reports. It is the policy AWS Batch documents for the role.
    Validations.of(computeEnvironment).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      reason: 'The ECS container agent on the instances of an AWS Batch EC2 compute environment needs the permissions of '
        + 'AmazonEC2ContainerServiceforEC2Role, the managed policy AWS Batch documents for the ECS instance role.',
    });
    return computeEnvironment;
  }
}

/** NVIDIA GPU instance classes that the ECS-optimized AL2023 NVIDIA AMI supports. */
const GPU_INSTANCE_CLASSES = [ec2.InstanceClass.G4DN, ec2.InstanceClass.G5, ec2.InstanceClass.G6];

/** The instance families the ECS-optimized AL2023 NVIDIA AMI does not support. */
const UNSUPPORTED_GPU_FAMILIES = /^(p3|g3)/;

/**
 * The instance types and classes a capacity names, each with its name and an instance type to read
 * what the name tells (its architecture, its family): a class as its `large` size.
 */
function namedInstances(spec: CapacitySpec): Array<readonly [string, ec2.InstanceType]> {
  return [
    ...(spec.instanceTypes ?? []).map((type) => [type.toString(), type] as const),
    ...(spec.instanceClasses ?? []).map((c) => [c.toString(), ec2.InstanceType.of(c, ec2.InstanceSize.LARGE)] as const),
  ];
}

/**
 * The architecture an instance type's name tells, as aws-cdk-lib reads it, or undefined for a name
 * of another form (`u-3tb1.56xlarge`), which aws-cdk-lib cannot read.
 */
function architectureOf(type: ec2.InstanceType): ec2.InstanceArchitecture | undefined {
  return /^[a-z]+\d{1,2}[a-z-]*\.[a-z0-9-]+$/.test(type.toString()) ? type.architecture : undefined;
}

/** Of the named instance types and classes, those whose architecture their name tells, each with it. */
function namedArchitectures(instances: ReturnType<typeof namedInstances>): Array<readonly [string, ec2.InstanceArchitecture]> {
  return instances.map(([name, type]) => [name, architectureOf(type)] as const)
    .filter((n): n is readonly [string, ec2.InstanceArchitecture] => n[1] !== undefined);
}

/** The instances of one compute environment share one CPU architecture: Batch cannot mix x86_64 and arm64 in one. */
function checkOneArchitecture(spec: CapacitySpec): void {
  const named = namedArchitectures(namedInstances(spec));
  if (new Set(named.map(([, architecture]) => architecture)).size > 1) {
    invalid('instanceTypes', 'and `instanceClasses` must be of one CPU architecture, since a Batch compute environment cannot mix '
      + 'x86_64 and arm64 instances',
    named.map(([name, architecture]) => `${name} (${architecture})`).join(', '));
  }
}

/**
 * Spot-only strategies On-Demand fail at deploy; BEST_FIT on Spot needs a Spot Fleet role, which
 * aws-cdk-lib creates without the permissions it needs.
 */
function checkAllocationStrategy(spec: CapacitySpec): void {
  const strategy = spec.allocationStrategy;
  if (strategy === undefined) { return; }
  if (spec.spot && strategy === batch.AllocationStrategy.BEST_FIT) {
    invalid('allocationStrategy', 'must not be BEST_FIT on Spot, where it needs a Spot Fleet role: use SPOT_PRICE_CAPACITY_OPTIMIZED '
      + '(the default), SPOT_CAPACITY_OPTIMIZED or BEST_FIT_PROGRESSIVE', strategy);
  }
  const spotOnly = [batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED];
  if (!spec.spot && spotOnly.includes(strategy)) {
    invalid('allocationStrategy', 'must be BEST_FIT_PROGRESSIVE (the default) or BEST_FIT On-Demand, since the SPOT_ strategies are for Spot only',
      strategy);
  }
}

/**
 * The instances must run the AMI: the AL2023 NVIDIA AMI runs on x86_64 instances but the P3 and G3
 * families; the AL2023 AMI on any but A1. (Batch creates no new compute environment on its Amazon
 * Linux 2 AMIs since 30 June 2026.)
 */
function checkInstancesForImage(spec: CapacitySpec): void {
  const named = namedInstances(spec);
  const unsupported = (test: (name: string, type: ec2.InstanceType) => boolean) =>
    named.filter(([name, type]) => test(name, type)).map(([name]) => name);
  if (spec.gpu) {
    const bad = unsupported((name, type) => architectureOf(type) === ec2.InstanceArchitecture.ARM_64 || UNSUPPORTED_GPU_FAMILIES.test(name));
    if (bad.length > 0) {
      invalid('instanceTypes', 'and `instanceClasses` with `gpu` must be x86_64 instances the ECS-optimized Amazon Linux 2023 NVIDIA AMI '
        + 'supports (not Graviton, P3 or G3)', bad.join(', '));
    }
    return;
  }
  const a1 = unsupported((name) => /^a1(\.|$)/.test(name));
  if (a1.length > 0) {
    invalid('instanceTypes', 'and `instanceClasses` must not be A1 instances, which the ECS-optimized Amazon Linux 2023 AMI does not '
      + 'support', a1.join(', '));
  }
}
