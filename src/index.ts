export * from './container-overrides';
export * from './job-reference';
export * from './submit-job';
