/** `npm run docs:api`: write the OpenAPI and AsyncAPI documents generated from the handlers' schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from '../functions/api/asyncapi';
import { openApiDocument } from '../functions/api/openapi';

const ROOT = join(__dirname, '..');
export const DOCS = { openapi: join(ROOT, 'functions', 'api', 'openapi.json'), asyncapi: join(ROOT, 'functions', 'api', 'asyncapi.json') };

export function apiVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function renderDocs(): { openapi: string; asyncapi: string } {
  const v = apiVersion();
  return { openapi: `${JSON.stringify(openApiDocument(v), null, 2)}\n`, asyncapi: `${JSON.stringify(asyncApiDocument(v), null, 2)}\n` };
}

if (require.main === module) {
  const d = renderDocs();
  writeFileSync(DOCS.openapi, d.openapi);
  writeFileSync(DOCS.asyncapi, d.asyncapi);
  process.stdout.write(`wrote ${DOCS.openapi} and ${DOCS.asyncapi}\n`);
}
