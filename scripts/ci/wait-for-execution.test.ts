/**
 * scripts/ci/wait-for-execution.sh against a stand-in `aws` that answers describe-execution with the
 * statuses a test gives it, one per call, and prints an error and cause when asked for them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, 'wait-for-execution.sh');
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:exchange-staging-host-release:release-1-1';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Waited {
  status: number | null;
  stdout: string;
  stderr: string;
  /** the arguments of each aws call, one line per call */
  calls: string[];
}

/** Runs the script with an `aws` that answers the statuses in turn (the last one from then on). */
function wait(statuses: string[], args: string[] = ['60', '0']): Waited {
  const dir = mkdtempSync(join(tmpdir(), 'wait-execution-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'statuses'), statuses.join('\n') + '\n');
  writeFileSync(
    join(dir, 'aws'),
    `#!/usr/bin/env bash
echo "$*" >> "${dir}/calls"
case "$*" in
  *"--query status"*)
    n=$(grep -c -- '--query status' "${dir}/calls")
    line=$(sed -n "\${n}p" "${dir}/statuses")
    [ -n "$line" ] || line=$(tail -n 1 "${dir}/statuses")
    if [ "$line" = '!fail' ]; then echo 'An error occurred (ExecutionDoesNotExist)' >&2; exit 254; fi
    echo "$line" ;;
  *) echo '{"error": "States.TaskFailed", "cause": "host b never caught up"}' ;;
esac
`,
  );
  chmodSync(join(dir, 'aws'), 0o755);
  const r = spawnSync('bash', [SCRIPT, ARN, ...args], {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

describe('wait-for-execution.sh', () => {
  it('polls a running execution until it succeeds, then exits 0', () => {
    const r = wait(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(Array(3).fill(`stepfunctions describe-execution --execution-arn ${ARN} --query status --output text`));
    expect(r.stdout).toContain(`${ARN}: SUCCEEDED`);
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('exits 1 on %s, with the execution’s error and cause', (end) => {
    const r = wait(['RUNNING', end]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${ARN}: ${end}`);
    expect(r.stderr).toContain('host b never caught up');
  });

  it('waits through a redrive', () => {
    expect(wait(['PENDING_REDRIVE', 'RUNNING', 'SUCCEEDED']).status).toBe(0);
  });

  it('stops at a status it does not know instead of waiting on it', () => {
    const r = wait(['RUNNING', 'PAUSED']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown status 'PAUSED'");
    expect(r.calls).toHaveLength(2);
  });

  it('gives up on an execution still running after the timeout', () => {
    const r = wait(['RUNNING'], ['1', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('still RUNNING after 1s');
  });

  it('stops when aws itself fails (no credentials, no such execution)', () => {
    const r = wait(['RUNNING', '!fail', 'SUCCEEDED']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ExecutionDoesNotExist');
    expect(r.calls).toHaveLength(2);
  });
});
