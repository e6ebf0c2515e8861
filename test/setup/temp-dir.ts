import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Jest global setup: every App a test builds without an `outdir` synthesizes into a new
 * `cdk.out*` directory under the temporary directory, which aws-cdk-lib never removes. Point the
 * temporary directory of the run (and of its workers, which inherit the environment) at one
 * directory of its own, removed by the teardown below, so a test run leaves nothing behind.
 */
export default function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-batch-stepfunctions-test-'));
  process.env.CDK_BATCH_SFN_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
