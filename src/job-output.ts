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
   * The job ID, name and status, with the status reason, number of attempts and log stream name
   * when the job definition is a container that logs with `awslogs` (a `BatchJob`, say) or the
   * state uses JSONata.
   *
   * For an array job: its ID, name, status, size and the status summary of its children.
   */
  COMPACT = 'COMPACT',
}
