/**
 * `serverless package` of a stage into a temporary folder, as a newcomer without AWS credentials
 * runs it: no telemetry, a build folder of the caller's own (tests package side by side), no AWS
 * credentials anywhere. A failure, or a warning (the configuration must validate cleanly), is an
 * error. `removePackages` deletes what was made.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const made: string[] = [];

export interface PackagedStage<T> {
  /** cloudformation-template-update-stack.json */
  template: T;
  /** the region serverless resolved for the stage */
  region: string;
  /** the package folder (the functions' zip, the template, serverless-state.json) */
  dir: string;
}

export function packageStage<T>(stage: string, workFolder: string): PackagedStage<T> {
  const dir = mkdtempSync(join(tmpdir(), `sls-${stage}-`));
  made.push(dir, join(ROOT, workFolder));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'package', '--stage', stage, '--package', dir],
    {
      cwd: ROOT,
      env: {
        ...env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_ESBUILD_WORK_FOLDER: workFolder,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_CONFIG_FILE: join(dir, 'none'),
      },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (r.status !== 0) throw new Error(`serverless package --stage ${stage} failed:\n${r.stdout}\n${r.stderr}`);
  if (/warning/i.test(`${r.stdout}\n${r.stderr}`)) throw new Error(`serverless package --stage ${stage} warned:\n${r.stdout}\n${r.stderr}`);
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as { service: { provider: { region: string } } };
  return {
    template: JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as T,
    region: state.service.provider.region,
    dir,
  };
}

export function removePackages(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
