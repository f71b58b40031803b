/**
 * Reading the project's own deployment files as the local stand-ins need them: YAML with
 * CloudFormation's short tags (`!GetAtt X.Arn` → { GetAtt: 'X.Arn' }, `!Ref X` → { Ref: 'X' }).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const tags = [
  { tag: '!GetAtt', resolve: (v: string) => ({ GetAtt: v }) },
  { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
];

/** A YAML file of the project (path from its root). */
export function readProjectYaml<T>(path: string): T {
  return parse(readFileSync(join(ROOT, path), 'utf8'), { logLevel: 'silent', customTags: tags, maxAliasCount: -1 }) as T;
}

/** serverless.yml's functions by key, with their handler (`path/to/module.export`). */
export function serverlessFunctions(): Record<string, { handler: string }> {
  return readProjectYaml<{ functions: Record<string, { handler: string }> }>('serverless.yml').functions;
}
