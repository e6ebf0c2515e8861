/**
 * What a SubmitJob task that waits for its job (`.sync`) outputs.
 */
export enum JobOutput {
  /**
   * The whole job as `DescribeJobs` returns it. Large for array jobs and jobs with many
   * attempts: a state's input and output may not exceed 256 KiB.
   */
  FULL = 'FULL',
  /**
   * The job ID, name, status, status reason, number of attempts and log stream name; for an
   * array job, its ID, name, status, size and the status summary of its children.
   */
  COMPACT = 'COMPACT',
}
