import { Stack } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
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
 * The states that run when a Batch job fails: they parse the job in the error's `Cause` (a JSON
 * string), summarize it, publish the summary when a topic is given, and fail the execution with
 * the summary as its cause. Another state's failure is summarized by its error and cause.
 *
 * The input is the failed state's input with the error at `$.error` (`Error`, `Cause`). Optional
 * fields of the job are added only when present, since a JSONPath to a missing field fails.
 */
export class FailureHandler extends Construct {
  /** The first state of the handler. */
  public readonly startState: sfn.State;


  constructor(scope: Construct, id: string, props: FailureHandlerProps) {
    super(scope, id);

    const fail = new sfn.Fail(this, 'JobFailed', {
      error: JOB_FAILED_ERROR,
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.summary')),
    });

    const notifyAndFail: sfn.IChainable = props.topic
      ? new tasks.SnsPublish(this, 'NotifyJobFailure', {
        topic: props.topic,
        subject: 'AWS Batch job failed',
        message: sfn.TaskInput.fromJsonPathAt('$.summary'),
        resultPath: sfn.JsonPath.DISCARD,
      }).next(fail)
      : fail;
    let next = notifyAndFail;

    next = this.addIfPresent('LogStream', '$.job.Container.LogStreamName', new sfn.Pass(this, 'AddLogStream', {
      parameters: {
        'LogStreamName.$': '$.job.Container.LogStreamName',
        ...(props.jobLogGroup ? { 'LogsUrl.$': consoleLink(this, props.jobLogGroup) } : {}),
      },
      resultPath: '$.summary.Logs',
    }), next);
    next = this.addIfPresent('ExitCode', '$.job.Container.ExitCode', new sfn.Pass(this, 'AddExitCode', {
      inputPath: '$.job.Container.ExitCode',
      resultPath: '$.summary.ExitCode',
    }), next);
    next = this.addIfPresent('StatusReason', '$.job.StatusReason', new sfn.Pass(this, 'AddStatusReason', {
      inputPath: '$.job.StatusReason',
      resultPath: '$.summary.StatusReason',
    }), next);

    const summarize = new sfn.Pass(this, 'SummarizeJobFailure', {
      parameters: {
        'JobId.$': '$.job.JobId',
        'JobName.$': '$.job.JobName',
        'Status.$': '$.job.Status',
      },
      resultPath: '$.summary',
    });
    const parse = new sfn.Pass(this, 'ParseJobFailure', {
      parameters: {
        'Error.$': '$.error.Error',
        'job.$': 'States.StringToJson($.error.Cause)',
      },
    });
    parse.next(summarize).next(next);

    // Any other failure of the chain (a Lambda function, say) has a cause that is no Batch job.
    const other = new sfn.Pass(this, 'SummarizeOtherFailure', {
      parameters: { 'Error.$': '$.error.Error', 'Cause.$': '$.error.Cause' },
      resultPath: '$.summary',
    });
    other.next(notifyAndFail);
    this.startState = new sfn.Choice(this, 'IsBatchJobFailure')
      .when(sfn.Condition.and(
        sfn.Condition.isPresent('$.error.Cause'),
        sfn.Condition.stringMatches('$.error.Cause', '{*"JobId"*'),
      ), parse)
      .otherwise(other);
  }

  private addIfPresent(name: string, path: string, add: sfn.Pass, next: sfn.IChainable): sfn.IChainable {
    add.next(next);
    return new sfn.Choice(this, `Has${name}`)
      .when(sfn.Condition.isPresent(path), add)
      .otherwise(next);
  }
}

/** A CloudWatch console link to the job's log stream (the classic form accepts `/` unescaped). */
function consoleLink(scope: Construct, logGroup: logs.ILogGroup): string {
  const region = Stack.of(scope).region;
  return `States.Format('https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}`
    + `#logEventViewer:group=${logGroup.logGroupName};stream={}', $.job.Container.LogStreamName)`;
}
