/**
 * The page of the API documents shows every REST operation and every WebSocket channel and message,
 * and works offline: it loads nothing from outside itself, and its Content-Security-Policy refuses
 * whatever the renderer would fetch. npm start serves the same page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocsHtmlFromFiles, channelAnchor, messageAnchor, scriptInHtml, serveApiDocs } from './api-docs-html';

const API = join(__dirname, '..', 'functions', 'api');
type Json = Record<string, unknown>;
const openapi = JSON.parse(readFileSync(join(API, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string }>>;
};
const asyncapi = JSON.parse(readFileSync(join(API, 'asyncapi.json'), 'utf8')) as {
  channels: Record<string, { messages: Record<string, Json> }>;
  operations: Record<string, Json>;
};
const html = apiDocsHtmlFromFiles();
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** the OpenAPI document the page hands to the renderer */
function embeddedOpenApi(page: string): typeof openapi {
  const m = /<script type="application\/json" id="openapi-document">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no embedded OpenAPI document');
  return JSON.parse(m[1]) as typeof openapi;
}

describe('the page of the API documents', () => {
  it('renders every OpenAPI operation: the whole document, unchanged, goes to the renderer', () => {
    const embedded = embeddedOpenApi(html);
    expect(embedded).toEqual(openapi);
    const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    const shown = Object.entries(embedded.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.length).toBeGreaterThan(20);
    expect(shown).toEqual(operations);
    expect(html).toContain('Redoc.init(');
  });

  it('shows every AsyncAPI channel, operation and message, each message with its payload schema', () => {
    for (const [channel, c] of Object.entries(asyncapi.channels)) {
      expect(html).toContain(`id="${channelAnchor(channel)}"`);
      for (const message of Object.keys(c.messages)) expect(html).toContain(`id="${messageAnchor(channel, message)}"`);
    }
    for (const operation of Object.keys(asyncapi.operations)) expect(html).toContain(`<td><code>${operation}</code></td>`);
    // a payload schema is shown escaped, as text
    expect(html).toContain('&quot;placeOrder&quot;');
  });

  it('loads no external resource: no script, style, image or frame from a URL, and a policy that refuses any', () => {
    // the markup, without the scripts' text (the renderer's code holds markup of its own in strings)
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
    const external = [
      ...markup.matchAll(/<(?:script|img|iframe|embed|source|audio|video|link|object)\b[^>]*\s(?:src|href|data)\s*=\s*["']?[^"'\s>]*/gi),
      ...markup.matchAll(/@import[^;]*|url\(\s*["']?(?:https?:)?\/\/[^)]*/gi),
    ].map((m) => m[0]);
    expect(external).toEqual([]);
    // the page's own links stay on the page
    const links = [...markup.matchAll(/<a\b[^>]*\shref="([^"]*)"/gi)].map((m) => m[1]);
    expect(links.filter((h) => !h.startsWith('#'))).toEqual([]);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    // nothing it allows is a network origin
    expect(csp).not.toMatch(/https?:|\*|'self'/);
  });

  it('keeps the inlined renderer inside its <script> element', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
    expect(scripts.length).toBe(3);
    expect(scripts.filter((s) => /<!--|<\/?script/i.test(s))).toEqual([]);
    expect(scriptInHtml('a = "<script><\\/script>"; b = /<!--/')).toBe('a = "\\x3Cscript><\\/script>"; b = /\\x3C!--/');
  });

  it('is what npm start serves', async () => {
    const served = await serveApiDocs(0);
    try {
      const res = await fetch(served.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect((await res.text()) === html).toBe(true);
      expect((await fetch(new URL('/openapi.json', served.url))).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
