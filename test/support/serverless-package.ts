/**
 * `serverless package` of a stage into a temporary folder, as a newcomer without AWS credentials
 * runs it: no telemetry, a build folder of the caller's own (tests package side by side), no AWS
 * credentials anywhere. A failure, or a warning (the configuration must validate cleanly), is an
 * error. `removePackages` deletes what was made.
 *
 * The AWS stages' templates are a root and its nested stacks (scripts/aws/nested-stacks.ts): the
 * package holds each, and `merged` is every resource of them in one view, by logical id (what a
 * test of the architecture reads; references across stacks are left as the templates have them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nestedTemplateFiles } from '../../scripts/aws/nested-stacks';

const ROOT = join(__dirname, '..', '..');
const made: string[] = [];

export interface PackagedStage<T> {
  /** cloudformation-template-update-stack.json: the root stack */
  template: T;
  /** the nested stacks' templates, by the logical id of their AWS::CloudFormation::Stack in the root */
  nested: Record<string, T>;
  /** the root's resources but its nested stacks, and every nested stack's */
  merged: T;
  /** the region serverless resolved for the stage */
  region: string;
  /** the package folder (the functions' zip, the templates, serverless-state.json) */
  dir: string;
}

type Resources = Record<string, { Type: string; Properties?: { TemplateURL?: unknown } }>;

/** the nested stack a root resource makes, by the template file its TemplateURL names */
function nestedStacksOf(template: { Resources: Resources }, files: string[]): Record<string, string> {
  const stacks: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = files.find((f) => JSON.stringify(r.Properties?.TemplateURL).includes(`/${f}`));
    if (!file) throw new Error(`nested stack ${id}: its template is not in the package`);
    stacks[id] = file;
  }
  return stacks;
}

/** every resource of the root and its nested stacks in one template (the nested stacks' own resources left out) */
export function mergedView<T>(root: T, nested: Record<string, T>): T {
  const r = root as unknown as { Resources: Resources };
  const resources: Resources = Object.fromEntries(Object.entries(r.Resources).filter(([id]) => !(id in nested)));
  for (const [name, t] of Object.entries(nested))
    for (const [id, res] of Object.entries((t as unknown as { Resources: Resources }).Resources)) {
      if (id in resources) throw new Error(`${id} is in the root and in ${name}`);
      resources[id] = res;
    }
  return { ...root, Resources: resources };
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
  const read = (file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
  const template = read('cloudformation-template-update-stack.json');
  const stacks = nestedStacksOf(template as unknown as { Resources: Resources }, nestedTemplateFiles(dir));
  const nested = Object.fromEntries(Object.entries(stacks).map(([id, file]) => [id, read(file)]));
  return { template, nested, merged: mergedView(template, nested), region: state.service.provider.region, dir };
}

export function removePackages(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
