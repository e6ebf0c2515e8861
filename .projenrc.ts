import { awscdk, cdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-batch-stepfunctions',
  description: 'AWS CDK constructs that run AWS Batch jobs from AWS Step Functions with least-privilege IAM and synth-time validation',
  author: 'cdk-batch-stepfunctions maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-batch-stepfunctions/cdk-batch-stepfunctions.git',
  license: 'Apache-2.0',
  stability: cdk.Stability.EXPERIMENTAL,
  keywords: ['cdk', 'aws-batch', 'step-functions', 'stepfunctions', 'batch'],

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',

  // aws-cdk-lib and constructs are peer dependencies; the floor is the version we test against.
  cdkVersion: '2.276.0',
  constructsVersion: '10.5.1',

  // The dev config lives at the top level, next to tsconfig.json, and covers every TypeScript
  // file of the project: eslint lints src, test and examples against it.
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'local-aws', 'bench'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  devDeps: [
    'cdk-nag@^3.0.2',
    // The local-AWS harness (test/e2e, the demo) deploys and runs our examples against moto.
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-sfn@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-batch@^3',
  ],

  // A snapshot that no longer matches fails the run instead of being rewritten.
  // Each test run gets one temporary directory, removed at its end (test/setup/temp-dir.ts).
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      globalSetup: '<rootDir>/test/setup/temp-dir.ts',
      globalTeardown: '<rootDir>/test/setup/temp-dir-teardown.ts',
    },
  },

  // jsii targets. Their packages are built by the release pipeline; on this project's machines
  // the build only generates their sources (see the `codegen` task), since PyPI and Maven Central
  // are out of reach.
  publishToPypi: {
    distName: 'cdk-batch-stepfunctions',
    module: 'cdk_batch_stepfunctions',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkbatchstepfunctions',
    mavenGroupId: 'io.github.cdk-batch-stepfunctions',
    mavenArtifactId: 'cdk-batch-stepfunctions',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkBatchStepFunctions',
    packageId: 'CdkBatchStepFunctions',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-batch-stepfunctions/cdk-batch-stepfunctions-go',
  },

  gitignore: ['/dist-codegen/', '/cdk.out/', '*.cdk.out/', '__pycache__/', '.jsii.tabl.json'],
});

project.tsconfigDev.addInclude('.projenrc.ts');

// The build packages the JavaScript bundle only. The other languages' packages need PyPI and
// Maven Central, so the build generates their sources offline and checks the Python compiles.
const codegen = project.addTask('codegen', {
  description: 'Generate the Python, Java, .NET and Go sources (offline) and byte-compile the Python',
  steps: [
    { exec: 'rm -rf dist-codegen' },
    { exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist-codegen' },
    { exec: 'python3 -m compileall -q dist-codegen/python' },
  ],
});
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);
packageTask.spawn(codegen);

// README examples compile under jsii-rosetta strict, with rosetta/default.ts-fixture.
project.postCompileTask.exec('jsii-rosetta extract --strict --fail');

// jest runs the tests transpile-only (isolatedModules) and jsii compiles src/ alone: this checks
// the types of the tests, examples, bench and local-aws harness too, before the tests run.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check every TypeScript file of the project (tsconfig.dev.json)',
  exec: 'tsc --noEmit --project tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);

// The local AWS emulator (patched moto 5.2.1): its own tests run with the project's tests.
const localAwsTests = project.addTask('test:local-aws', {
  description: 'Tests of the local-aws patches of moto 5.2.1 (skipped, with a message, without python3 and moto 5.2.1)',
  exec: 'python3 local-aws/run_tests.py',
});
project.testTask.spawn(localAwsTests);

// The main job: deploy the pipeline example to the local AWS emulator, run it and print a trace.
project.addTask('demo', {
  description: 'Deploy the pipeline example to a local AWS emulator, run it and print a trace',
  exec: 'ts-node --project tsconfig.dev.json examples/demo-run.ts',
});
project.addTask('synth-example', {
  description: 'Synthesize the seed example and print its state machine definition',
  exec: 'ts-node --project tsconfig.dev.json examples/demo.ts',
});

// Synth cost and AWS limits as workflows grow; writes docs/benchmarks.md.
// The bench is type-checked first, then run transpile-only: a type-checking ts-node keeps its
// compiler (some 800 MB for aws-cdk-lib's types) on the heap, and every full garbage collection
// of that heap, landing at random in a timed run, costs tens of milliseconds. With one GC thread
// the collection the bench forces between runs finishes before the next run starts, instead of
// sweeping on the second core while the run is timed.
const bench = project.addTask('bench', {
  description: 'Synth cost and AWS limits as workflows grow; writes docs/benchmarks.md',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json' },
});
bench.spawn(typecheck);
bench.exec('node --single-threaded-gc --require ts-node/register/transpile-only bench/synth.ts');

// The package holds the library (lib/, .jsii, README, API.md): the bench, the examples, the local
// emulator, its docs, the README snippets' fixture and CI are for this repository only.
for (const dir of ['/bench/', '/examples/', '/local-aws/', '/docs/', '/rosetta/', '/.ci/']) {
  project.addPackageIgnore(dir);
}

project.synth();
