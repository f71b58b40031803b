/**
 * The API documents as one HTML page that works offline: the OpenAPI document rendered by Redoc's
 * standalone bundle, inlined (no CDN), and the AsyncAPI document as plain HTML generated here (no
 * maintained AsyncAPI renderer runs offline without a heavy tree). `npm run docs:api` writes it to
 * .data/api-docs/ (generated output, never committed) and `npm start` serves it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const API_DOCS_HTML = join(ROOT, '.data', 'api-docs', 'index.html');
const REDOC_BUNDLE = join(ROOT, 'node_modules', 'redoc', 'bundles', 'redoc.standalone.js');

type Json = Record<string, unknown>;

/**
 * The page may reach nothing outside itself: Redoc's side menu shows a logo from its CDN, and this
 * refuses it (the image hides itself when it fails). Redoc's search runs in a Worker made from a blob.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  'font-src data:',
  'worker-src blob:',
].join('; ');

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** JSON inside a <script> element: a `<` can neither close the element nor open a comment. */
const jsonInScript = (doc: unknown): string => JSON.stringify(doc).replace(/</g, '\\u003c');

/**
 * Script text inside a <script> element: `<!--`, `<script` and `</script` would change how the HTML
 * parser reads the element. The bundle has them only in string and regular expression literals,
 * where `\x3C` means the same `<`.
 */
export const scriptInHtml = (code: string): string => code.replace(/(?<!\\)<(?=!--|\/?script)/gi, '\\x3C');

/** An AsyncAPI operation's `action` is the application's: it receives what clients send. */
const DIRECTION: Record<string, string> = { receive: 'client → server', send: 'server → client' };

interface AsyncOperation {
  action: string;
  channel: { $ref: string };
  messages?: { $ref: string }[];
  summary?: string;
  description?: string;
}
interface AsyncChannel {
  address?: string;
  description?: string;
  messages?: Record<string, { name?: string; summary?: string; description?: string; payload?: unknown }>;
}
interface AsyncApi {
  asyncapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Record<string, { host: string; protocol: string; pathname?: string; description?: string }>;
  channels: Record<string, AsyncChannel>;
  operations?: Record<string, AsyncOperation>;
}

const refName = (ref: string): string => ref.split('/').pop() ?? ref;
export const channelAnchor = (channel: string): string => `channel-${channel}`;
export const messageAnchor = (channel: string, message: string): string => `message-${channel}-${message}`;

/** The AsyncAPI document as plain HTML: servers, then each channel's operations and messages with their payload schemas. */
export function asyncApiHtml(doc: AsyncApi): string {
  const ops = Object.entries(doc.operations ?? {});
  const servers = Object.entries(doc.servers ?? {})
    .map(
      ([name, s]) =>
        `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(s.protocol)}</td><td><code>${escapeHtml(s.host + (s.pathname ?? ''))}</code></td></tr>`,
    )
    .join('\n');
  const channels = Object.entries(doc.channels).map(([channel, c]) => {
    const here = ops.filter(([, o]) => refName(o.channel.$ref) === channel);
    /** which operation carries a message, so each message shows its direction */
    const carriedBy = new Map<string, [string, AsyncOperation]>();
    for (const [id, o] of here) for (const m of o.messages ?? []) carriedBy.set(refName(m.$ref), [id, o]);
    const opRows = here
      .map(
        ([id, o]) =>
          `<tr><td><code>${escapeHtml(id)}</code></td><td>${escapeHtml(DIRECTION[o.action] ?? o.action)}</td><td>${(o.messages ?? [])
            .map((m) => `<a href="#${messageAnchor(channel, refName(m.$ref))}"><code>${escapeHtml(refName(m.$ref))}</code></a>`)
            .join(', ')}</td><td>${escapeHtml(o.summary ?? o.description ?? '')}</td></tr>`,
      )
      .join('\n');
    const messages = Object.entries(c.messages ?? {})
      .map(([name, m]) => {
        const op = carriedBy.get(name);
        const about = [op ? (DIRECTION[op[1].action] ?? op[1].action) : '', m.summary ?? m.description ?? ''].filter(Boolean).join(': ');
        return [
          `<details id="${messageAnchor(channel, name)}">`,
          `<summary><code>${escapeHtml(m.name ?? name)}</code>${about ? ` <span class="about">${escapeHtml(about)}</span>` : ''}</summary>`,
          `<pre>${escapeHtml(JSON.stringify(m.payload ?? {}, null, 2))}</pre>`,
          '</details>',
        ].join('\n');
      })
      .join('\n');
    return [
      `<h3 id="${channelAnchor(channel)}">Channel <code>${escapeHtml(channel)}</code>${c.address ? ` at <code>${escapeHtml(c.address)}</code>` : ''}</h3>`,
      c.description ? `<p>${escapeHtml(c.description)}</p>` : '',
      opRows
        ? `<table><thead><tr><th>operation</th><th>direction</th><th>messages</th><th>what</th></tr></thead><tbody>\n${opRows}\n</tbody></table>`
        : '',
      '<h4>Messages (payload JSON Schema; open one to read it)</h4>',
      messages,
    ].join('\n');
  });
  return [
    '<section id="asyncapi">',
    `<h2>${escapeHtml(doc.info.title)} <small>AsyncAPI ${escapeHtml(doc.asyncapi)}, version ${escapeHtml(doc.info.version)}</small></h2>`,
    doc.info.description ? `<p>${escapeHtml(doc.info.description)}</p>` : '',
    servers ? `<table><thead><tr><th>server</th><th>protocol</th><th>host</th></tr></thead><tbody>\n${servers}\n</tbody></table>` : '',
    ...channels,
    '</section>',
  ].join('\n');
}

const STYLE = `
body { margin: 0; font-family: system-ui, sans-serif; }
body > header { position: sticky; top: 0; z-index: 10; height: 44px; box-sizing: border-box; padding: 0 20px; display: flex; gap: 24px; align-items: center; background: #263238; color: #fff; }
body > header a { color: #fff; }
#asyncapi { padding: 24px 40px 80px; border-top: 4px solid #263238; max-width: 1100px; }
#asyncapi table { border-collapse: collapse; margin: 12px 0; }
#asyncapi th, #asyncapi td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; vertical-align: top; }
#asyncapi details { margin: 6px 0; }
#asyncapi summary { cursor: pointer; }
#asyncapi .about { color: #555; }
#asyncapi td:nth-child(2) { white-space: nowrap; }
#asyncapi pre { background: #f5f5f5; padding: 10px; overflow-x: auto; font-size: 13px; }
`;

/** The whole page: everything it shows is inside it. */
export function apiDocsHtml(openapi: Json, asyncapi: Json, redocBundle: string = readFileSync(REDOC_BUNDLE, 'utf8')): string {
  const info = openapi.info as { title: string; version: string };
  const async = asyncapi as unknown as AsyncApi;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>Open Exchange API ${escapeHtml(info.version)}</strong><a href="#redoc">REST (OpenAPI)</a><a href="#asyncapi">WebSocket (AsyncAPI)</a></header>
<div id="redoc"></div>
${asyncApiHtml(async)}
<script type="application/json" id="openapi-document">${jsonInScript(openapi)}</script>
<script>${scriptInHtml(redocBundle)}</script>
<script>
Redoc.init(JSON.parse(document.getElementById('openapi-document').textContent), {
  scrollYOffset: 'body > header',
  hideDownloadButton: true,
  expandResponses: '200,201',
  jsonSampleExpandLevel: 3,
}, document.getElementById('redoc'), function () {
  // the browser looked for #asyncapi before Redoc had rendered what stands above it
  if (location.hash === '#asyncapi') document.getElementById('asyncapi').scrollIntoView();
});
</script>
</body>
</html>
`;
}

/** The page of the documents as they are committed in functions/api/ (npm start serves what the clone holds). */
export function apiDocsHtmlFromFiles(): string {
  const read = (name: string): Json => JSON.parse(readFileSync(join(ROOT, 'functions', 'api', name), 'utf8')) as Json;
  return apiDocsHtml(read('openapi.json'), read('asyncapi.json'));
}

/** `npm start`'s page of the API documents on 127.0.0.1:<port> (0: a free one), rendered once at start. */
export async function serveApiDocs(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const page = Buffer.from(apiDocsHtmlFromFiles());
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (path !== '/' && path !== '/index.html')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the API documents are at /\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : page);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // a browser's keep-alive connection would hold the close back
        server.closeAllConnections();
      }),
  };
}
