/**
 * scripts/ci/package-release.sh and same-artifact.sh with a stand-in serverless that records its
 * arguments and writes a package folder (a function zip whose bytes a test may vary by stage):
 * each stage is packaged with its account's CloudFormation role and, where known, the other
 * region's host endpoint service; the release stops when the stages' function code differs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE_RELEASE = join(__dirname, 'package-release.sh');
const SAME_ARTIFACT = join(__dirname, 'same-artifact.sh');
const STAGING = '111111111111';
const PRODUCTION = '222222222222';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'package-release-'));
  dirs.push(d);
  return d;
}

interface Released {
  status: number | null;
  stderr: string;
  /** serverless's arguments, one array per call */
  calls: string[][];
  out: string;
}

/** Runs package-release.sh with a serverless whose zip for the stage named in DIFFERENT_STAGE differs. */
function release(env: Record<string, string>): Released {
  const dir = tempDir();
  const out = join(dir, 'artifacts');
  const fake = join(dir, 'serverless');
  writeFileSync(
    fake,
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "${dir}/calls"
while [ $# -gt 0 ]; do case "$1" in --package) pkg=$2; shift ;; --stage) stage=$2; shift ;; esac; shift; done
mkdir -p "$pkg"
if [ "$stage" = "\${DIFFERENT_STAGE:-}" ]; then echo 'other code'; else echo 'function code'; fi > "$pkg/exchange.zip"
echo '{}' > "$pkg/cloudformation-template-update-stack.json"
`,
  );
  chmodSync(fake, 0o755);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('PEER_')));
  const r = spawnSync('bash', [PACKAGE_RELEASE, out], { env: { ...base, SERVERLESS: fake, ...env }, encoding: 'utf8', timeout: 30_000 });
  let calls: string[][] = [];
  try {
    calls = readFileSync(join(dir, 'calls'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
  } catch {
    // serverless never ran
  }
  return { status: r.status, stderr: r.stderr, calls, out };
}

const role = (account: string): string => `deploymentRole=arn:aws:iam::${account}:role/exchange-cloudformation-deploy`;

describe('package-release.sh', () => {
  it('packages staging, prod and dr, each with its account’s CloudFormation role, into <dir>/<stage>', () => {
    const r = release({ AWS_ACCOUNT_STAGING: STAGING, AWS_ACCOUNT_PRODUCTION: PRODUCTION });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(
      (
        [
          ['staging', STAGING],
          ['prod', PRODUCTION],
          ['dr', PRODUCTION],
        ] as const
      ).map(([stage, account]) => ['package', '--stage', stage, '--package', join(r.out, stage), '--param', role(account)]),
    );
  });

  it('names the other region’s host endpoint service to prod and dr once the variables hold them', () => {
    const r = release({
      AWS_ACCOUNT_STAGING: STAGING,
      AWS_ACCOUNT_PRODUCTION: PRODUCTION,
      PEER_HOST_SERVICE_NAME_PROD: 'com.amazonaws.vpce.us-west-2.vpce-svc-0dr',
      PEER_HOST_SERVICE_NAME_DR: 'com.amazonaws.vpce.us-east-1.vpce-svc-0prod',
    });
    expect(r.status).toBe(0);
    const peers = r.calls.map((c) => c.filter((a) => a.startsWith('peerHostServiceName=')));
    expect(peers).toEqual([
      [],
      ['peerHostServiceName=com.amazonaws.vpce.us-west-2.vpce-svc-0dr'],
      ['peerHostServiceName=com.amazonaws.vpce.us-east-1.vpce-svc-0prod'],
    ]);
  });

  it.each([
    ['missing', { AWS_ACCOUNT_PRODUCTION: PRODUCTION }],
    ['not an account id', { AWS_ACCOUNT_STAGING: 'arn:aws:iam::111111111111:root', AWS_ACCOUNT_PRODUCTION: PRODUCTION }],
  ])('refuses to package when an account variable is %s', (_, env) => {
    const r = release(env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('AWS_ACCOUNT_STAGING must be an AWS account id');
    expect(r.calls).toEqual([]);
  });

  it('fails the release when one stage’s function code differs from staging’s', () => {
    const r = release({ AWS_ACCOUNT_STAGING: STAGING, AWS_ACCOUNT_PRODUCTION: PRODUCTION, DIFFERENT_STAGE: 'dr' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the function code of ${join(r.out, 'dr')} is not that of ${join(r.out, 'staging')}`);
  });
});

describe('same-artifact.sh', () => {
  function packages(zips: Record<string, Record<string, string>>): string[] {
    const root = tempDir();
    return Object.entries(zips).map(([stage, files]) => {
      mkdirSync(join(root, stage));
      for (const [name, content] of Object.entries(files)) writeFileSync(join(root, stage, name), content);
      return join(root, stage);
    });
  }
  const same = (dirs: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync('bash', [SAME_ARTIFACT, ...dirs], { encoding: 'utf8' });

  it('passes folders whose zips are the same bytes, whatever else differs', () => {
    const r = same(
      packages({
        staging: { 'exchange.zip': 'code', 'template.json': 'staging' },
        prod: { 'exchange.zip': 'code', 'template.json': 'prod' },
      }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/[0-9a-f]{64} {2}exchange\.zip/);
  });

  it.each([
    ['other bytes', { 'exchange.zip': 'code!' }],
    ['another zip besides', { 'exchange.zip': 'code', 'extra.zip': 'more' }],
    ['no zip', { 'template.json': '{}' }],
  ])('fails a folder with %s', (_, prod) => {
    expect(same(packages({ staging: { 'exchange.zip': 'code' }, prod })).status).toBe(1);
  });

  it('needs two folders to compare', () => {
    expect(same(packages({ staging: { 'exchange.zip': 'code' } })).status).toBe(2);
  });
});
