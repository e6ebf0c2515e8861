export * from './batch-environment';
export * from './batch-job';
export * from './capacity';
export * from './container-overrides';
export * from './job-output';
export * from './job-reference';
export * from './submit-job';
export * from './batch-workflow';
