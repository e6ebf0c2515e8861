import { Stack, Token } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** The error name of an execution that failed because a Batch job failed. */
export const JOB_FAILED_ERROR = 'BatchJobFailed';

export interface FailureHandlerProps {
  /** Where the failure summary is published. */
  readonly topic?: sns.ITopic;
  /** The log group of the jobs, for the console link. */
  readonly jobLogGroup?: logs.ILogGroup;
}

/**
 * How the workflow catches a failure for the handler: any error, which replaces the state's input
 * (`ResultPath: '$'`). Kept beside the input, a job's cause (the job as JSON text) could take a large
 * input past the 256 KiB state payload limit, and the execution would fail with
 * `States.DataLimitExceeded` before the handler could summarize or notify it. Nothing the handler
 * reports comes from the input.
 */
export const FAILURE_HANDLER_CATCH: sfn.CatchProps = Object.freeze({ errors: Object.freeze(['States.ALL']) as string[], resultPath: '$' });

/** The cause of the failed execution: the summary, as JSON text. */
const SUMMARY_TEXT = sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.summary'));

/**
 * The states that run when a state of the workflow fails (any error: Step Functions cannot catch
 * `States.Runtime`, nor an execution's own timeout or stop). A failed Batch job, whose `Cause` is
 * the job as JSON text, is parsed and summarized, and the execution fails as `BatchJobFailed`;
 * any other failure is summarized by its error and cause, and the execution fails with its error.
 * Either summary is published first when a topic is given.
 *
 * The input is the error alone (`Error`, and usually `Cause`): the catch that leads here is
 * `FAILURE_HANDLER_CATCH`. Optional fields are added only when present, since a JSONPath to a
 * missing field fails the execution with `States.Runtime`, which no Catch handles.
 */
export class FailureHandler extends Construct {
  /** The first state of the handler. */
  public readonly startState: sfn.State;

  constructor(scope: Construct, id: string, props: FailureHandlerProps) {
    super(scope, id);

    const jobFailed = new sfn.Fail(this, 'JobFailed', { error: JOB_FAILED_ERROR, causePath: SUMMARY_TEXT });
    let next = this.notifyThen('NotifyJobFailure', 'AWS Batch job failed', jobFailed, props.topic);
    next = this.addIfPresent('LogStream', '$.job.Container.LogStreamName', new sfn.Pass(this, 'AddLogStream', {
      parameters: {
        'LogStreamName.$': '$.job.Container.LogStreamName',
        ...(props.jobLogGroup ? consoleLink(this, props.jobLogGroup) : {}),
      },
      resultPath: '$.summary.Logs',
    }), next);
    next = this.copyIfPresent('ExitCode', '$.job.Container.ExitCode', next);
    // Why the container stopped, such as an OutOfMemoryError, where the status reason only says it exited.
    next = this.copyIfPresent('ContainerReason', '$.job.Container.Reason', next);
    next = this.copyIfPresent('StatusReason', '$.job.StatusReason', next);
    const summarize = new sfn.Pass(this, 'SummarizeJobFailure', {
      parameters: {
        'JobId.$': '$.job.JobId',
        'JobName.$': '$.job.JobName',
        'Status.$': '$.job.Status',
        'Execution.$': '$$.Execution.Id',
      },
      resultPath: '$.summary',
    });
    const parse = new sfn.Pass(this, 'ParseJobFailure', {
      parameters: {
        'Error.$': '$.Error',
        'job.$': 'States.StringToJson($.Cause)',
      },
    });
    parse.next(summarize).next(next);

    // Any other failure: a state's timeout, a Lambda function's error, a request Batch refused.
    const failed = new sfn.Fail(this, 'ExecutionFailed', { errorPath: '$.summary.Error', causePath: SUMMARY_TEXT });
    const other = new sfn.Pass(this, 'SummarizeOtherFailure', {
      parameters: { 'Error.$': '$.Error', 'Execution.$': '$$.Execution.Id' },
      resultPath: '$.summary',
    });
    other.next(this.addIfPresent('Cause', '$.Cause', new sfn.Pass(this, 'AddCause', {
      inputPath: '$.Cause',
      resultPath: '$.summary.Cause',
    }), this.notifyThen('NotifyFailure', 'AWS Batch workflow failed', failed, props.topic)));

    // A failed .sync job: error States.TaskFailed, and the job (JobId, JobName, Status, ...) as the cause.
    const cause = '$.Cause';
    this.startState = new sfn.Choice(this, 'IsBatchJobFailure')
      .when(sfn.Condition.and(
        sfn.Condition.isPresent(cause),
        sfn.Condition.stringEquals('$.Error', 'States.TaskFailed'),
        sfn.Condition.stringMatches(cause, '{*"JobId"*}'),
        sfn.Condition.stringMatches(cause, '*"JobName"*'),
        sfn.Condition.stringMatches(cause, '*"Status"*'),
      ), parse)
      .otherwise(other);
  }

  /**
   * Publishes the summary, then fails. A publish that still fails after its retries does not hide
   * the failure: the execution fails all the same, with the summary.
   */
  private notifyThen(id: string, subject: string, fail: sfn.Fail, topic?: sns.ITopic): sfn.IChainable {
    if (topic === undefined) { return fail; }
    return new tasks.SnsPublish(this, id, {
      topic,
      subject,
      message: sfn.TaskInput.fromJsonPathAt('$.summary'),
      resultPath: sfn.JsonPath.DISCARD,
      // A FIFO topic takes a message group, and a deduplication ID unless it derives one itself.
      messageGroupId: topic.fifo ? 'BatchWorkflow' : undefined,
      messageDeduplicationId: topic.fifo && !topic.contentBasedDeduplication ? sfn.JsonPath.stringAt('$$.Execution.Name') : undefined,
    })
      .addRetry({ errors: ['States.ALL'], maxAttempts: 3 })
      .addCatch(fail, { errors: ['States.ALL'], resultPath: '$.notificationError' })
      .next(fail);
  }

  /** Copies a field of the failed job into the summary, under its own name, when the job has it. */
  private copyIfPresent(name: string, path: string, next: sfn.IChainable): sfn.IChainable {
    return this.addIfPresent(name, path, new sfn.Pass(this, `Add${name}`, { inputPath: path, resultPath: `$.summary.${name}` }), next);
  }

  private addIfPresent(name: string, path: string, add: sfn.Pass, next: sfn.IChainable): sfn.IChainable {
    add.next(next);
    return new sfn.Choice(this, `Has${name}`)
      .when(sfn.Condition.isPresent(path), add)
      .otherwise(next);
  }
}

/** The console of the partitions with a console of their own: China and GovCloud (US). */
const OTHER_CONSOLES: { [partition: string]: string } = {
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/**
 * The `LogsUrl` of the summary: a CloudWatch console link to the job's log stream (the classic form
 * accepts `/` unescaped), in the console of the stack's partition when its region is known at synth,
 * else the commercial one. None in a partition of another console (ISO, European Sovereign Cloud).
 */
function consoleLink(scope: Construct, logGroup: logs.ILogGroup): { [key: string]: string } {
  const region = Stack.of(scope).region;
  // A region aws-cdk-lib does not know yet is taken to be commercial, as one not known at synth.
  const partition = Token.isUnresolved(region) ? 'aws' : RegionInfo.get(region).partition ?? 'aws';
  const host = partition === 'aws' ? `${region}.console.aws.amazon.com` : OTHER_CONSOLES[partition];
  if (host === undefined) { return {}; }
  return {
    'LogsUrl.$': `States.Format('https://${host}/cloudwatch/home?region=${region}`
      + `#logEventViewer:group=${logGroup.logGroupName};stream={}', $.job.Container.LogStreamName)`,
  };
}
