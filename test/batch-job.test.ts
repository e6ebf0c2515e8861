import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Lazy, NestedStack, Size, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { BatchEnvironment } from '../src/batch-environment';
import { BatchJob, BatchJobProps } from '../src/batch-job';
import { Capacity, Platform } from '../src/capacity';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest');

function setup(envProps = {}) {
  const stack = new Stack();
  const environment = new BatchEnvironment(stack, 'Env', envProps);
  return { stack, environment };
}

function policyOf(template: Template, rolePrefix: string) {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] },
  });
  return Object.values(policies).map((p) => p.Properties.PolicyDocument.Statement);
}

describe('defaults', () => {
  const { stack, environment } = setup();
  const job = new BatchJob(stack, 'My Job', { environment, image });
  const template = Template.fromStack(stack);

  test('renders a Fargate job definition with retry, timeout and awslogs into the shared log group', () => {
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'container',
      PlatformCapabilities: ['FARGATE'],
      RetryStrategy: {
        Attempts: 3,
        EvaluateOnExit: [
          { Action: 'RETRY', OnStatusReason: 'Your Spot Task was interrupted*' },
          { Action: 'EXIT', OnReason: '*' },
        ],
      },
      Timeout: { AttemptDurationSeconds: 3600 },
      ContainerProperties: {
        Image: 'public.ecr.aws/docker/library/busybox:latest',
        ResourceRequirements: [{ Type: 'MEMORY', Value: '2048' }, { Type: 'VCPU', Value: '1' }],
        NetworkConfiguration: { AssignPublicIp: 'DISABLED' },
        ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EnvJobExecutionRole'), 'Arn'] },
        JobRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyJobJobRole'), 'Arn'] },
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: {
            'awslogs-group': { Ref: Match.stringLikeRegexp('^EnvJobLogGroup') },
            'awslogs-stream-prefix': 'My-Job',
          },
        },
      },
    });
  });

  test('the execution role may write logs to the shared job log group only', () => {
    expect(policyOf(template, 'EnvJobExecutionRole')).toEqual([[{
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: stack.resolve(environment.jobLogGroup.logGroupArn),
    }]]);
  });

  test('the job role is trusted by ECS tasks, has no permissions and is the grant principal', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(policyOf(template, 'MyJobJobRole')).toEqual([]);
    expect(job.grantPrincipal).toBe(job.jobRole);
    expect(job.executionRole).toBe(environment.jobExecutionRole);
    expect(job.logGroup).toBe(environment.jobLogGroup);
    expect(job.platform).toBe(Platform.FARGATE);
    expect(job.jobDefinition).toBeInstanceOf(batch.EcsJobDefinition);
  });
});

test('bucket.grantRead(job) puts the S3 statements on the job role', () => {
  const { stack, environment } = setup();
  const job = new BatchJob(stack, 'Job', { environment, image });
  const bucket = new s3.Bucket(stack, 'Bucket');
  bucket.grantRead(job);
  const template = Template.fromStack(stack);
  const bucketArn = { 'Fn::GetAtt': [template.getResourceId('AWS::S3::Bucket'), 'Arn'] };
  expect(policyOf(template, 'JobJobRole')).toEqual([[{
    Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
    Effect: 'Allow',
    Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
  }]]);
});

test('each added job adds at most 2 CloudFormation resources', () => {
  const count = (jobs: number) => {
    const { stack, environment } = setup();
    for (let i = 0; i < jobs; i++) { new BatchJob(stack, `Job${i}`, { environment, image }); }
    return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
  };
  expect(count(2) - count(1)).toBeLessThanOrEqual(2);
  expect(count(3) - count(2)).toBeLessThanOrEqual(2);
});

test('EC2 job with GPU, command, parameters, variables and options', () => {
  const { stack, environment } = setup({ capacity: [Capacity.ec2Spot({ gpu: true })] });
  new BatchJob(stack, 'Job', {
    environment,
    image,
    cpu: 4,
    memory: Size.gibibytes(16),
    gpu: 1,
    command: ['train', 'Ref::epochs'],
    parameters: { epochs: '10' },
    environmentVariables: { MODE: 'fast' },
    attempts: 5,
    retryStrategies: [batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER)],
    timeout: Duration.hours(6),
    jobDefinitionName: 'train_model-1',
    logStreamPrefix: 'train',
  });
  Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', {
    JobDefinitionName: 'train_model-1',
    PlatformCapabilities: ['EC2'],
    Parameters: { epochs: '10' },
    RetryStrategy: { Attempts: 5, EvaluateOnExit: [{ Action: 'RETRY', OnReason: 'CannotPullContainerError:*' }] },
    Timeout: { AttemptDurationSeconds: 21600 },
    ContainerProperties: {
      Command: ['train', 'Ref::epochs'],
      Environment: [{ Name: 'MODE', Value: 'fast' }],
      ResourceRequirements: [{ Type: 'MEMORY', Value: '16384' }, { Type: 'VCPU', Value: '4' }, { Type: 'GPU', Value: '1' }],
      LogConfiguration: { Options: Match.objectLike({ 'awslogs-stream-prefix': 'train' }) },
    },
  });
});

test('a Fargate job of an environment that assigns public IPs gets one', () => {
  const { stack, environment } = setup({ assignPublicIp: true });
  new BatchJob(stack, 'Job', { environment, image });
  Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', {
    ContainerProperties: { NetworkConfiguration: { AssignPublicIp: 'ENABLED' } },
  });
});

test('secrets are read by the execution role, at their exact ARN', () => {
  const { stack, environment } = setup();
  const parameter = new ssm.StringParameter(stack, 'Param', { stringValue: 'x' });
  new BatchJob(stack, 'Job', { environment, image, secrets: { TOKEN: batch.Secret.fromSsmParameter(parameter) } });
  const template = Template.fromStack(stack);
  const parameterArn = stack.resolve(parameter.parameterArn);
  template.hasResourceProperties('AWS::Batch::JobDefinition', {
    ContainerProperties: { Secrets: [{ Name: 'TOKEN', ValueFrom: parameterArn }] },
  });
  expect(policyOf(template, 'EnvJobExecutionRole')[0]).toContainEqual({
    Action: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
    Effect: 'Allow',
    Resource: parameterArn,
  });
});

test('an EC2 job retries when its Spot instance is reclaimed, by EC2\'s status reason, and exits otherwise', () => {
  const { stack, environment } = setup({ capacity: [Capacity.ec2Spot(), Capacity.ec2OnDemand()] });
  new BatchJob(stack, 'Job', { environment, image });
  Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', {
    PlatformCapabilities: ['EC2'],
    RetryStrategy: { Attempts: 3, EvaluateOnExit: [{ Action: 'RETRY', OnStatusReason: 'Host EC2*' }, { Action: 'EXIT', OnReason: '*' }] },
  });
});

test('platform overrides the environment', () => {
  const { stack, environment } = setup();
  const job = new BatchJob(stack, 'Job', { environment, image, platform: Platform.EC2 });
  Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', { PlatformCapabilities: ['EC2'] });
  expect(job.platform).toBe(Platform.EC2);
});

test('given jobRole, logGroup and executionRole are used, and the execution role may write to that group only', () => {
  const { stack, environment } = setup();
  const jobRole = iam.Role.fromRoleArn(stack, 'JobRole', 'arn:aws:iam::123456789012:role/job');
  const executionRole = new iam.Role(stack, 'ExecRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const logGroup = new logs.LogGroup(stack, 'OwnLogs', { retention: logs.RetentionDays.ONE_YEAR });
  const job = new BatchJob(stack, 'Job', { environment, image, jobRole, executionRole, logGroup });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Batch::JobDefinition', {
    ContainerProperties: {
      JobRoleArn: 'arn:aws:iam::123456789012:role/job',
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExecRole'), 'Arn'] },
      LogConfiguration: { Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^OwnLogs') } }) },
    },
  });
  expect(policyOf(template, 'ExecRole')).toEqual([[{
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Effect: 'Allow',
    Resource: { 'Fn::GetAtt': [template.getResourceId('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 } }), 'Arn'] },
  }]]);
  expect(policyOf(template, 'EnvJobExecutionRole')).toEqual([]);
  template.resourceCountIs('AWS::IAM::Role', 3); // execution roles of env and test, flow log role: no job role created
  expect(job.grantPrincipal).toBe(jobRole);
});

describe('validation', () => {
  test.each<[string, Partial<BatchJobProps>, RegExp]>([
    ['gpu on Fargate', { gpu: 1 }, /^`gpu` is only valid on EC2, since Fargate has no GPUs, got 1 on a Fargate job \(the platform of `environment`, FARGATE\)$/],
    ['gpu on a job made Fargate', { gpu: 1, platform: Platform.FARGATE }, /^`gpu` is only valid on EC2, since Fargate has no GPUs, got 1 on a Fargate job \(`platform` FARGATE\)$/],
    ['gpu not positive', { gpu: 0, platform: Platform.EC2 }, /^`gpu` must be an integer of at least 1, got 0$/],
    ['cpu not a Fargate value', { cpu: 3 }, /^`cpu` must be one of 0.25, 0.5, 1, 2, 4, 8, 16 on Fargate, got 3$/],
    ['cpu on EC2', { cpu: 0.5, platform: Platform.EC2 }, /^`cpu` must be an integer of at least 1 on EC2 \(fractions of a vCPU are for Fargate\), got 0.5$/],
    ['AWS_BATCH variables', { environmentVariables: { OK: '1', AWS_BATCH_JOB_ID: 'x' } },
      /^`environmentVariables` must not have names starting with AWS_BATCH, which Batch reserves, got "AWS_BATCH_JOB_ID"$/],
    ['attempts too low', { attempts: 0 }, /^`attempts` must be an integer between 1 and 10, got 0$/],
    ['attempts too high', { attempts: 11 }, /^`attempts` must be an integer between 1 and 10, got 11$/],
    ['schedulingPriority too high', { schedulingPriority: 10_000 }, /^`schedulingPriority` must be an integer between 0 and 9,999, got 10000$/],
    ['schedulingPriority negative', { schedulingPriority: -1 }, /^`schedulingPriority` must be an integer between 0 and 9,999, got -1$/],
    ['too many retry strategies', { retryStrategies: Array(6).fill(batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.NON_ZERO_EXIT_CODE)) },
      /^`retryStrategies` must have at most 5 entries, got 6 entries$/],
    ['a retry status reason Batch does not accept', {
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: 'CannotPullContainerError (timeout)*' })),
      ],
    }, /^`retryStrategies\[1\]\.onStatusReason` must be letters, digits, periods, colons and white space, optionally ending with `\*`, got "CannotPullContainerError \(timeout\)\*"$/],
    ['a retry exit code that is not digits', { retryStrategies: [batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onExitCode: 'one' }))] },
      /^`retryStrategies\[0\]\.onExitCode` must be digits, optionally ending with `\*`, got "one"$/],
    ['a retry reason over 512 characters', { retryStrategies: [batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: 'x'.repeat(513) }))] },
      /^`retryStrategies\[0\]\.onReason` must be 1 to 512 characters long, got "x+" \(513\)$/],
    ['timeout too short', { timeout: Duration.seconds(30) }, /^`timeout` must be at least 60 seconds, got 30 seconds$/],
    ['timeout not whole seconds', { timeout: Duration.millis(90_500) }, /^`timeout` must be a whole number of seconds, got 90,500 milliseconds$/],
    ['memory not whole MiB', { memory: Size.kibibytes(1_500) }, /^`memory` must be a whole number of MiB, got 1,536,000 bytes$/],
    ['memory too small for 4 vCPU on Fargate', { cpu: 4, memory: Size.gibibytes(2) },
      /^`memory` must be one of 8,192 to 30,720 in steps of 1,024 MiB with 4 vCPU on Fargate, got 2,048 MiB$/],
    ['memory too large for 0.25 vCPU on Fargate', { cpu: 0.25, memory: Size.gibibytes(4) },
      /^`memory` must be one of 512, 1,024 or 2,048 MiB with 0.25 vCPU on Fargate, got 4,096 MiB$/],
    ['memory between the values for 0.25 vCPU on Fargate', { cpu: 0.25, memory: Size.mebibytes(1_536) },
      /^`memory` must be one of 512, 1,024 or 2,048 MiB with 0.25 vCPU on Fargate, got 1,536 MiB$/],
    ['memory off the steps for 8 vCPU on Fargate', { cpu: 8, memory: Size.mebibytes(17_408) },
      /^`memory` must be one of 16,384 to 61,440 in steps of 4,096 MiB with 8 vCPU on Fargate, got 17,408 MiB$/],
    ['memory with the default vCPU on Fargate', { memory: Size.gibibytes(1) },
      /^`memory` must be one of 2,048 to 8,192 in steps of 1,024 MiB with 1 vCPU on Fargate, got 1,024 MiB$/],
    ['memory under 4 MiB on EC2', { memory: Size.mebibytes(3), platform: Platform.EC2 }, /^`memory` must be at least 4 MiB, got 3 MiB$/],
    ['logStreamPrefix with a colon', { logStreamPrefix: 'a:b' },
      /^`logStreamPrefix` must be at least 1 character long, without `:` or `\*`, which log stream names cannot contain, got "a:b"$/],
    ['logStreamPrefix over 471 characters', { logStreamPrefix: 'p'.repeat(472) },
      /^`logStreamPrefix` must be 1 to 471 characters long, got "p+" \(472\)$/],
    ['logStreamPrefix empty', { logStreamPrefix: '' },
      /^`logStreamPrefix` must be at least 1 character long, without `:` or `\*`, which log stream names cannot contain, got ""$/],
    ['jobDefinitionName too long', { jobDefinitionName: 'a'.repeat(129) }, /^`jobDefinitionName` must be 1 to 128 characters long, got "a+" \(129\)$/],
    ['jobDefinitionName empty', { jobDefinitionName: '' }, /^`jobDefinitionName` must be 1 to 128 characters long, got "" \(0\)$/],
    ['jobDefinitionName characters', { jobDefinitionName: 'my job' }, /^`jobDefinitionName` must contain only letters, digits, hyphens and underscores, got "my job"$/],
  ])('%s', (_name, props, message) => {
    const { stack, environment } = setup();
    expect(() => new BatchJob(stack, 'Job', { environment, image, ...props })).toThrow(message);
  });

  test.each<[number, number]>([[0.25, 512], [0.25, 2_048], [0.5, 4_096], [1, 8_192], [2, 16_384], [4, 30_720], [8, 61_440], [16, 122_880]])(
    'Fargate allows %d vCPU with %d MiB', (cpu, mib) => {
      const { stack, environment } = setup();
      expect(() => new BatchJob(stack, 'Job', { environment, image, cpu, memory: Size.mebibytes(mib) })).not.toThrow();
    });

  test.each<[number, Platform, string]>([
    [0.25, Platform.FARGATE, '2048'], [1, Platform.FARGATE, '2048'], [2, Platform.FARGATE, '4096'],
    [4, Platform.FARGATE, '8192'], [16, Platform.FARGATE, '32768'], [4, Platform.EC2, '2048'],
  ])('the default memory with %d vCPU on %s is %s MiB', (cpu, platform, mib) => {
    const { stack, environment } = setup();
    new BatchJob(stack, 'Job', { environment, image, cpu, platform });
    Template.fromStack(stack).hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: { ResourceRequirements: Match.arrayWith([{ Type: 'MEMORY', Value: mib }]) },
    });
  });

  test('token values skip validation', () => {
    const { stack, environment } = setup({ platform: Platform.EC2 });
    const number = (n: number) => Lazy.number({ produce: () => n });
    expect(() => new BatchJob(stack, 'Job', {
      environment,
      image,
      attempts: number(50),
      gpu: number(0),
      cpu: number(3),
      timeout: Duration.seconds(number(1)),
      jobDefinitionName: Lazy.string({ produce: () => 'not valid!' }),
    })).not.toThrow();
  });
});

describe('cdk-nag AwsSolutions', () => {
  function findings(build: (stack: Stack) => void): string[] {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
    try {
      const app = new App({ outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      build(new Stack(app, 'Nag'));
      let failure: unknown;
      try { app.synth(); } catch (e) { failure = e; }
      const reportFile = path.join(outdir, 'validation-report.json');
      // No report: synth failed before the validation ran, so nothing was checked.
      if (!fs.existsSync(reportFile)) { throw failure ?? new Error(`no validation report in ${outdir}`); }
      const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
      const found: string[] = report.pluginReports.flatMap((r: any) => r.violations.flatMap((v: any) =>
        v.violatingConstructs.map((c: any) => `${v.ruleName} ${c.constructPath}`)));
      // A failed synth with no finding failed for another reason: say which.
      if (failure !== undefined && found.length === 0) { throw failure; }
      return found;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  test('a Fargate environment and job have no findings', () => {
    expect(findings((stack) => {
      const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.fargateSpot(), Capacity.fargate()] });
      new BatchJob(stack, 'Job', { environment, image });
    })).toEqual([]);
  });

  test('an EC2 environment has no findings: its instance roles\' AWS managed policy is acknowledged', () => {
    let instanceRoles = 0;
    expect(findings((stack) => {
      const environment = new BatchEnvironment(stack, 'Env', { capacity: [Capacity.ec2Spot(), Capacity.ec2OnDemand()] });
      new BatchJob(stack, 'Job', { environment, image });
      // The finding's subject is there: both instance roles carry AmazonEC2ContainerServiceforEC2Role.
      instanceRoles = stack.node.findAll().filter((c) => c instanceof iam.CfnRole
        && JSON.stringify(stack.resolve(c.managedPolicyArns) ?? []).includes('AmazonEC2ContainerServiceforEC2Role')).length;
    })).toEqual([]);
    expect(instanceRoles).toEqual(2);
  });
});

test('jobs of one id in two constructs (a construct of the user\'s, used twice) are named by their path', () => {
  const stack = new Stack();
  const environment = new BatchEnvironment(stack, 'Env');
  const daily = new BatchJob(new Construct(stack, 'Daily'), 'Train', { environment, image });
  const hourly = new BatchJob(new Construct(stack, 'Hourly'), 'Train', { environment, image });
  const top = new BatchJob(stack, 'Train', { environment, image });
  expect([daily, hourly, top].map((job) => job.jobDefinitionName.slice(environment.jobDefinitionNamePrefix.length)))
    .toEqual(['Daily-Train', 'Hourly-Train', 'Train']);
  const template = Template.fromStack(stack);
  for (const prefix of ['Daily-Train', 'Hourly-Train', 'Train']) {
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      JobDefinitionName: `${environment.jobDefinitionNamePrefix}${prefix}`,
      ContainerProperties: Match.objectLike({
        LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-stream-prefix': prefix }) }),
      }),
    });
  }
});

test('a job in another stack than its environment: an execution role of its own, so its image repository adds no cycle', () => {
  const app = new App();
  const environmentStack = new Stack(app, 'EnvStack');
  const environment = new BatchEnvironment(environmentStack, 'Env');
  const jobStack = new Stack(app, 'JobStack');
  const repository = new ecr.Repository(jobStack, 'Repo');
  const job = new BatchJob(jobStack, 'Train', { environment, image: ecs.ContainerImage.fromEcrRepository(repository) });

  expect(job.executionRole).not.toBe(environment.jobExecutionRole);
  expect(job.jobDefinitionName).toEqual(`${environment.jobDefinitionNamePrefix}JobStack-Train`);
  const template = Template.fromStack(jobStack);
  template.hasResourceProperties('AWS::Batch::JobDefinition', {
    ContainerProperties: Match.objectLike({
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainExecutionRole'), 'Arn'] },
      LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-stream-prefix': 'JobStack-Train' }) }),
    }),
  });
  // Its role pulls the image and writes to the environment's log group, in the other stack.
  expect(JSON.stringify(policyOf(template, 'TrainExecutionRole'))).toContain('ecr:BatchGetImage');
  expect(JSON.stringify(policyOf(template, 'TrainExecutionRole'))).toContain('logs:PutLogEvents');
  expect(() => app.synth()).not.toThrow();
});

test('an environment in a nested stack: its prefix has the name of the stack the nested one is in', () => {
  const names = ['batch-dev', 'batch-prod'].map((stackName) => {
    const stack = new Stack(new App(), 'Batch', { stackName });
    const environment = new BatchEnvironment(new NestedStack(stack, 'Jobs'), 'Env');
    return environment.jobDefinitionNamePrefix;
  });
  expect(names[0]).toMatch(/^batch-dev-Env-[0-9a-f]{8}-$/);
  expect(names[1]).toMatch(/^batch-prod-Env-[0-9a-f]{8}-$/);
});

test('two long stack names alike in their first 48 characters give two prefixes', () => {
  const [dev, prod] = ['dev', 'prod'].map((stage) => {
    const stack = new Stack(new App(), 'Batch', { stackName: `${'data-platform-'.repeat(4)}${stage}` });
    return new BatchEnvironment(stack, 'Env').jobDefinitionNamePrefix;
  });
  expect(dev.slice(0, 48)).toEqual(prod.slice(0, 48));
  expect(dev).not.toEqual(prod);
});

test('default names over 128 characters are cut and end in a hash of the whole, so long paths that differ late stay apart', () => {
  const stack = new Stack(new App(), 'Batch', { stackName: 'analytics-platform-batch-processing-production' });
  const environment = new BatchEnvironment(stack, 'Env');
  const scope = new Construct(stack, 'FeatureEngineeringPipelineForCustomerChurnPredictionAndRetentionModels');
  const [a, b] = ['ModelVersionA', 'ModelVersionB'].map((id) => new BatchJob(scope, id, { environment, image }));
  for (const job of [a, b]) {
    expect(job.jobDefinitionName).toHaveLength(128);
    expect(job.jobDefinitionName).toMatch(/^analytics-platform-batch-processing-production-E-[0-9a-f]{8}-FeatureEngineering.*-[0-9a-f]{8}$/);
  }
  expect(a.jobDefinitionName).not.toEqual(b.jobDefinitionName);
});

test('a job in a stage, in another stack than its environment, and in a nested stack: named by its path', () => {
  const stage = new Stage(new App(), 'Prod');
  const environmentStack = new Stack(stage, 'EnvStack');
  const environment = new BatchEnvironment(environmentStack, 'Env');
  const inOtherStack = new BatchJob(new Stack(stage, 'JobStack'), 'Train', { environment, image });
  const inNestedStack = new BatchJob(new NestedStack(environmentStack, 'Jobs'), 'Score', { environment, image });
  expect(inOtherStack.jobDefinitionName).toEqual(`${environment.jobDefinitionNamePrefix}JobStack-Train`);
  expect(inNestedStack.jobDefinitionName).toEqual(`${environment.jobDefinitionNamePrefix}Jobs-Score`);
});

test('two jobs of one environment may not share a job definition name', () => {
  const stack = new Stack();
  const environment = new BatchEnvironment(stack, 'Env');
  new BatchJob(stack, 'A', { environment, image, jobDefinitionName: 'shared' });
  expect(() => new BatchJob(stack, 'B', { environment, image, jobDefinitionName: 'shared' })).toThrow(
    '`jobDefinitionName` must be unique among the jobs of Default/Env, got "shared" for Default/B, '
    + 'already the name of Default/A\'s job definition: give the job another id or jobDefinitionName');
});
