import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import type { RenderedOnceDefinitionBody } from './definition-body';
import { fmt } from './errors';
import {
  MANAGED_POLICY_MAX_CHARS, ROLE_INLINE_POLICY_MAX_CHARS, ROLE_MANAGED_POLICIES_DEFAULT, ROLE_MANAGED_POLICIES_MAX,
  STACK_RESOURCES_MAX, STATE_MACHINE_DEFINITION_MAX_BYTES,
} from './limits';

/**
 * How long a value known only at deploy time is taken to be, in characters. aws-cdk-lib sizes
 * policies the same way (`@aws-cdk/aws-iam.arnSizeEstimate`, 150) before it splits them.
 */
export const DEPLOY_TIME_VALUE_ESTIMATE = 150;
const ARN_SIZE_ESTIMATE_CONTEXT = '@aws-cdk/aws-iam.arnSizeEstimate';
/** The longest value of each pseudo parameter in the commercial, China and GovCloud partitions. */
const PSEUDO_PARAMETERS: { [name: string]: string } = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-2',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

/**
 * Renders a resolved CloudFormation value to a string: `Fn::Join` is joined, pseudo parameters
 * take their longest value, and any other value known only at deploy time counts as
 * `deployTimeValue` characters.
 */
export function renderEstimate(value: unknown, deployTimeValue: number = DEPLOY_TIME_VALUE_ESTIMATE): string {
  return JSON.stringify(substitute(value, deployTimeValue));
}

function substitute(value: unknown, estimate: number): unknown {
  if (Array.isArray(value)) { return value.map((v) => substitute(v, estimate)); }
  if (value === null || typeof value !== 'object') { return value; }
  const entries = Object.entries(value as { [key: string]: unknown });
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return intrinsic(entries[0][0], entries[0][1], estimate);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, substitute(v, estimate)]));
}

function intrinsic(name: string, args: unknown, estimate: number): string {
  if (name === 'Ref' && typeof args === 'string' && PSEUDO_PARAMETERS[args] !== undefined) { return PSEUDO_PARAMETERS[args]; }
  if (name === 'Fn::Join' && Array.isArray(args) && Array.isArray(args[1])) {
    return args[1].map((part) => asString(substitute(part, estimate), estimate)).join(String(args[0]));
  }
  return 'x'.repeat(estimate);
}

function asString(value: unknown, estimate: number): string {
  return typeof value === 'string' ? value : 'x'.repeat(estimate);
}

/** Characters of a policy document as IAM counts them: white space excluded. */
export function policyCharacters(resolvedDocument: unknown, deployTimeValue?: number): number {
  return renderEstimate(resolvedDocument, deployTimeValue).replace(/\s/g, '').length;
}

/**
 * The size in bytes (UTF-8) of a state machine's definition, as Step Functions receives it.
 *
 * @param rendered the `DefinitionString` already resolved, if it is
 */
export function definitionBytes(stateMachine: sfn.StateMachine, rendered?: unknown): number | undefined {
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine | undefined;
  if (cfn?.definitionString === undefined) { return undefined; }
  const estimate = arnEstimate(stateMachine);
  const resolved = rendered ?? Stack.of(stateMachine).resolve(cfn.definitionString);
  return Buffer.byteLength(asString(substitute(resolved, estimate), estimate), 'utf8');
}

/** The CloudFormation resources a stack's template will declare (nested stacks count apart). */
export function stackResourceCount(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/** The policies of a role, after aws-cdk-lib has split an oversized default policy. */
export interface RolePolicySizes {
  /** All inline policies of the role together, in characters. */
  readonly inlineChars: number;
  /** Each customer managed policy of the stack attached to the role: its path and characters. */
  readonly managed: Array<{ readonly path: string; readonly chars: number }>;
  /** Every managed policy attached to the role, the AWS managed ones included. */
  readonly attachedManagedPolicies: number;
  /**
   * The managed policies aws-cdk-lib knows the role has, and warns about past 10: those it lists
   * and those it split off its default policy.
   * @default attachedManagedPolicies
   */
  readonly knownToRole?: number;
}

/** Measures the policies of the state machine's role; undefined for a role not of this stack. */
export function rolePolicySizes(stateMachine: sfn.StateMachine): RolePolicySizes | undefined {
  const role = stateMachine.role.node.defaultChild;
  if (!(role instanceof iam.CfnRole) || Stack.of(role) !== Stack.of(stateMachine)) { return undefined; }
  const stack = Stack.of(role);
  const estimate = arnEstimate(stateMachine);
  const same = (a: unknown, b: unknown) => JSON.stringify(stack.resolve(a)) === JSON.stringify(stack.resolve(b));
  const attached = (roles: unknown) => (stack.resolve(roles) as unknown[] | undefined ?? []).some((r) => same(r, role.ref));
  const chars = (document: unknown) => policyCharacters(stack.resolve(document), estimate);
  const arns = (stack.resolve(role.managedPolicyArns) as unknown[] | undefined) ?? [];
  const listedByRole = (policy: iam.CfnManagedPolicy) => arns.some((arn) => same(arn, policy.ref));

  const own = (stack.resolve(role.policies) as Array<{ policyDocument: unknown }> | undefined) ?? [];
  let inlineChars = own.reduce((sum, p) => sum + chars(p.policyDocument), 0);
  const managed: Array<{ path: string; chars: number }> = [];
  let attachedByPolicy = 0;
  let splitOff = 0;
  for (const c of stack.node.findAll()) {
    if ((c instanceof iam.CfnPolicy && attached(c.roles)) || (c instanceof iam.CfnRolePolicy && same(c.roleName, role.ref))) {
      // AWS::IAM::Policy and AWS::IAM::RolePolicy are inline policies of the role.
      const document = stack.resolve(c.policyDocument);
      if (document !== undefined) { inlineChars += chars(document); }
    } else if (c instanceof iam.CfnManagedPolicy && (attached(c.roles) || listedByRole(c))) {
      managed.push({ path: c.node.scope!.node.path, chars: chars(c.policyDocument) });
      if (!listedByRole(c)) { attachedByPolicy++; }
      // The overflow policies aws-cdk-lib splits off are children of the role.
      if (c.node.scope?.node.scope === stateMachine.role) { splitOff++; }
    }
  }
  return { inlineChars, managed, attachedManagedPolicies: arns.length + attachedByPolicy, knownToRole: arns.length + splitOff };
}

function arnEstimate(scope: IConstruct): number {
  const value = scope.node.tryGetContext(ARN_SIZE_ESTIMATE_CONTEXT);
  return typeof value === 'number' ? value : DEPLOY_TIME_VALUE_ESTIMATE;
}

// ---------------------------------------------------------------------------------------------
// Checks: a measured value in, the messages out. Each names the limit, the value and the way out.
// ---------------------------------------------------------------------------------------------

/** The definition is over what Step Functions accepts. */
export function checkDefinitionSize(path: string, bytes: number | undefined): string[] {
  if (bytes === undefined || bytes <= STATE_MACHINE_DEFINITION_MAX_BYTES) { return []; }
  return [`The definition of state machine ${path} is ${fmt(bytes)} bytes, over the Step Functions limit of `
    + `${fmt(STATE_MACHINE_DEFINITION_MAX_BYTES)} bytes (1 MB, a hard quota). Split the workflow: run groups of `
    + 'states as child state machines (tasks.StepFunctionsStartExecution), or run the same job over a list with a Map state'];
}

/** The stack declares more resources than CloudFormation accepts. */
export function checkStackResources(stackName: string, count: number): string[] {
  if (count <= STACK_RESOURCES_MAX) { return []; }
  return [`Stack ${stackName} declares ${fmt(count)} resources, over the CloudFormation limit of `
    + `${fmt(STACK_RESOURCES_MAX)} per stack. Move jobs (each BatchJob adds a job definition and a job role) into `
    + 'another stack or a NestedStack, or give jobs a shared `jobRole`'];
}

/** The role's policies, after aws-cdk-lib's own split, are over what IAM accepts. */
export function checkRolePolicies(rolePath: string, sizes: RolePolicySizes | undefined): string[] {
  if (sizes === undefined) { return []; }
  const fewer = 'Grant fewer, broader statements (job definitions that share a name prefix, granted once as '
    + '`job-definition/PREFIX*`, as BatchJob names them by default), or split the workflow into several state machines';
  const errors: string[] = [];
  if (sizes.inlineChars > ROLE_INLINE_POLICY_MAX_CHARS) {
    errors.push(`The inline policies of role ${rolePath} total ${fmt(sizes.inlineChars)} characters (white space `
      + `excluded, deploy-time values estimated), over the IAM limit of ${fmt(ROLE_INLINE_POLICY_MAX_CHARS)} per role. ${fewer}`);
  }
  for (const policy of sizes.managed.filter((p) => p.chars > MANAGED_POLICY_MAX_CHARS)) {
    errors.push(`Managed policy ${policy.path} of role ${rolePath} has ${fmt(policy.chars)} characters (white space `
      + `excluded, deploy-time values estimated), over the IAM limit of ${fmt(MANAGED_POLICY_MAX_CHARS)} per managed policy. `
      + `Narrow its largest statements' resources. ${fewer}`);
  }
  if (sizes.attachedManagedPolicies > ROLE_MANAGED_POLICIES_MAX) {
    errors.push(`Role ${rolePath} has ${fmt(sizes.attachedManagedPolicies)} managed policies attached, over the IAM maximum of `
      + `${fmt(ROLE_MANAGED_POLICIES_MAX)} per role (the default quota is ${fmt(ROLE_MANAGED_POLICIES_DEFAULT)}; a Service Quotas `
      + `increase goes no higher than ${fmt(ROLE_MANAGED_POLICIES_MAX)}). ${fewer}`);
  }
  return errors;
}

/**
 * The role has more managed policies than IAM's default quota allows, which an account can raise
 * (to 20 at most): a warning. aws-cdk-lib warns already when the policies it knows of are that many.
 */
export function checkManagedPolicyQuota(rolePath: string, sizes: RolePolicySizes | undefined): string[] {
  if (sizes === undefined) { return []; }
  const count = sizes.attachedManagedPolicies;
  if (count <= ROLE_MANAGED_POLICIES_DEFAULT || count > ROLE_MANAGED_POLICIES_MAX
    || (sizes.knownToRole ?? count) > ROLE_MANAGED_POLICIES_DEFAULT) { return []; }
  return [`Role ${rolePath} has ${fmt(count)} managed policies attached, over the default IAM quota of `
    + `${fmt(ROLE_MANAGED_POLICIES_DEFAULT)} per role: deploying fails unless the account's quota "Managed policies per role" `
    + `has been raised (Service Quotas, up to ${fmt(ROLE_MANAGED_POLICIES_MAX)}). Attach fewer, larger policies to the role`];
}

/** Stacks whose resource count is already checked: one check per stack, however many workflows it holds. */
const guardedStacks = new WeakSet<Stack>();

/**
 * Checks at synth, once the tree is complete, the limits a workflow reaches as it grows: the
 * state machine definition size and the state machine role's policies, and (once per stack) the
 * stack's resource count.
 *
 * @param body the state machine's definition body, when it renders its definition once for the
 * guard and the template alike
 */
export function addWorkflowGuards(scope: Construct, stateMachine: sfn.StateMachine, body?: RenderedOnceDefinitionBody): void {
  scope.node.addValidation({
    validate: () => {
      const policies = rolePolicySizes(stateMachine);
      for (const warning of checkManagedPolicyQuota(stateMachine.role.node.path, policies)) {
        Annotations.of(stateMachine.role).addWarningV2('cdk-batch-stepfunctions:managedPoliciesOverDefaultQuota', warning);
      }
      return [
        ...checkDefinitionSize(stateMachine.node.path, definitionBytes(stateMachine, body?.renderFor(stateMachine))),
        ...checkRolePolicies(stateMachine.role.node.path, policies),
      ];
    },
  });
  const stack = Stack.of(stateMachine);
  if (!guardedStacks.has(stack)) {
    guardedStacks.add(stack);
    // A nested stack's name is known only at deploy time: it is named by its path.
    const name = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
    stack.node.addValidation({ validate: () => checkStackResources(name, stackResourceCount(stack)) });
  }
}
