/**
 * `npm run docs:api`: write the OpenAPI and AsyncAPI documents generated from the handlers' schemas,
 * and the page that renders both (to .data/api-docs/, not committed; npm start serves it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_DOCS_HTML, apiDocsHtml } from './api-docs-html';
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
  mkdirSync(dirname(API_DOCS_HTML), { recursive: true });
  writeFileSync(
    API_DOCS_HTML,
    apiDocsHtml(JSON.parse(d.openapi) as Record<string, unknown>, JSON.parse(d.asyncapi) as Record<string, unknown>),
  );
  process.stdout.write(`wrote ${DOCS.openapi}, ${DOCS.asyncapi} and the page of both, ${API_DOCS_HTML}\n`);
}
