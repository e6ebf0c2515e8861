import * as fs from 'fs';

/** Jest global teardown: removes the run's temporary directory made by `temp-dir.ts`. */
export default function teardown(): void {
  const dir = process.env.CDK_BATCH_SFN_TEST_TMPDIR;
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
