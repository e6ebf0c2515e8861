import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * What a `Capacity` needs to create its compute environment: the network the environment chose.
 */
export interface CapacityBindContext {
  /** The VPC the compute environment launches into. */
  readonly vpc: ec2.IVpc;
  /** The subnets the compute environment launches into. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The security groups of the compute environment. */
  readonly securityGroups: ec2.ISecurityGroup[];
}
