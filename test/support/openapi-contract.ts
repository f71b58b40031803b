/**
 * An HTTP answer checked against the published OpenAPI document (functions/api/openapi.json), with
 * openapi-backend for routing and response validation (its Ajv swapped for the JSON Schema 2020-12
 * one OpenAPI 3.1 uses). The e2e suites run every answer they receive through it, so the document
 * and the server cannot drift apart: an undeclared status, a body that does not match, or a
 * missing declared header is a failure.
 */
import Ajv2020, { type Options, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';

export interface HttpAnswer {
  method: string;
  /** as requested, query string included */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const DOCUMENT = join(__dirname, '../../functions/api/openapi.json');

const ajv2020 = (options: Options = {}): Ajv2020 => {
  const ajv = new Ajv2020({ ...options, strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
};

export class OpenApiContract {
  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly errorShape: ValidateFunction,
  ) {}

  static async load(file = DOCUMENT): Promise<OpenApiContract> {
    const definition = JSON.parse(readFileSync(file, 'utf8')) as Document;
    const api = new OpenAPIBackend({
      definition,
      // quick: no check of the document against OpenAPI 3.0's schema (this one is 3.1: api-documents.test.ts
      // checks it with a 3.1 validator), dereferenced at once, validators compiled when first needed
      quick: true,
      customizeAjv: (_draft7, options) => ajv2020(options),
    });
    await api.init();
    return new OpenApiContract(api, ajv2020().compile(definition.components?.schemas?.Error ?? {}));
  }

  /** What is wrong with an answer; none when it is what the document says. */
  check(a: HttpAnswer): string[] {
    const [path] = a.path.split('?');
    const op = this.api.router.matchOperation({ method: a.method.toLowerCase(), path, headers: {} });
    const what = `${a.method.toUpperCase()} ${path} → ${a.status}`;
    let body: unknown = null;
    if (a.text !== '')
      try {
        body = JSON.parse(a.text);
      } catch {
        return [`${what}: the body is not JSON: ${a.text.slice(0, 200)}`];
      }
    if (!op) return this.unknownRoute(what, a.status, body);
    const declared = (op.responses ?? {}) as Record<string, { content?: Record<string, unknown> } | undefined>;
    const response = declared[String(a.status)];
    if (!response) return [`${what}: status not declared for ${op.operationId ?? ''} (declared: ${Object.keys(declared).join(', ')})`];
    const problems: string[] = [];
    if (response.content) {
      if (!/^application\/json\b/.test(header(a.headers, 'content-type')))
        problems.push(`${what}: Content-Type ${header(a.headers, 'content-type') || 'missing'}, declared application/json`);
      const errors = this.errors(what, this.api.validator.validateResponse(body, op, a.status).errors);
      problems.push(...errors.map((e) => `${e} in ${a.text.slice(0, 300)}`));
    } else if (a.text !== '') problems.push(`${what}: a body where none is declared: ${a.text.slice(0, 200)}`);
    problems.push(...this.errors(`${what} headers`, this.requiredHeaders(op, a)));
    return problems;
  }

  /** API Gateway answers a route it does not have 404 in the error shape (resources/api-gateway.yml). */
  private unknownRoute(what: string, status: number, body: unknown): string[] {
    if (status !== 404) return [`${what}: no such route in the document, and not answered 404`];
    return this.errorShape(body) ? [] : [`${what}: not the error shape: ${JSON.stringify(body).slice(0, 200)}`];
  }

  private requiredHeaders(op: Operation, a: HttpAnswer): { message?: string; instancePath?: string }[] {
    const declared =
      ((op.responses ?? {}) as Record<string, { headers?: Record<string, { required?: boolean }> }>)[String(a.status)]?.headers ?? {};
    return Object.entries(declared)
      .filter(([name, h]) => h.required && header(a.headers, name) === '')
      .map(([name]) => ({ message: `missing the declared header ${name}` }));
  }

  private errors(what: string, errors: { message?: string; instancePath?: string }[] | null | undefined): string[] {
    return (errors ?? []).map((e) => `${what}: ${e.instancePath || 'body'} ${e.message ?? 'does not match'}`);
  }
}

function header(headers: HttpAnswer['headers'], name: string): string {
  const v = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}
