import type { buildOpenApiDocument } from '@crux/contracts/openapi';
import { html, raw } from 'hono/html';

type Document = ReturnType<typeof buildOpenApiDocument>;
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const schemaName = (schema: unknown): string => {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) return ref.split('/').at(-1) ?? ref;
  const type = (schema as { type?: string } | undefined)?.type;
  return type ?? 'object';
};

const media = (content: Record<string, { schema?: unknown }> | undefined) =>
  Object.entries(content ?? {}).map(
    ([type, { schema }]) =>
      html`<code>${type}</code> <a href="#schema-${schemaName(schema)}">${schemaName(schema)}</a>`,
  );

function operationHtml(path: string, method: string, op: Operation) {
  const params = (op.parameters ?? []).map(
    (p) =>
      html`<li><code>${p.name}</code> (${p.in}${p.required ? ', required' : ''}): ${schemaName(p.schema)}</li>`,
  );
  const responses = Object.entries(op.responses ?? {}).map(
    ([status, r]) => html`<li><b>${status}</b> ${r.description ?? ''} ${media(r.content)}</li>`,
  );
  return html`<section id="${op.operationId ?? ''}">
    <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
    <p>${op.summary ?? ''}${op.security ? html` <span class="auth">Bearer token</span>` : ''}</p>
    ${params.length ? html`<h4>Parameters</h4><ul>${params}</ul>` : ''}
    ${op.requestBody ? html`<h4>Body</h4><p>${media(op.requestBody.content)}</p>` : ''}
    <h4>Responses</h4><ul>${responses}</ul>
  </section>`;
}

/** A readable, dependency-free API reference page rendered from the OpenAPI document. */
export function renderApiReference(document: Document): string {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {}).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? 'other'))];
  const schemas = Object.entries(document.components?.schemas ?? {});
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${document.info.title} reference</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f4f4;padding:.75rem;overflow:auto}
.m{display:inline-block;min-width:4.5em;padding:0 .3em;border-radius:4px;color:#fff;background:#555;font-size:.8em;text-align:center}
.get{background:#1d6b3a}.post{background:#1d4f91}.put,.patch{background:#8a5a00}.delete{background:#a1261b}
.auth{font-size:.8em;border:1px solid #888;border-radius:4px;padding:0 .3em}section{border-top:1px solid #ddd}
a{color:#1d4f91}
</style></head><body>
<h1>${document.info.title} <small>${document.info.version}</small></h1>
<p>${document.info.description ?? ''}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI ${document.openapi}).</p>
<nav><ul>${tags.map((tag) => html`<li><a href="#tag-${tag}">${tag}</a></li>`)}<li><a href="#schemas">schemas</a></li></ul></nav>
${tags.map(
  (tag) =>
    html`<h2 id="tag-${tag}">${tag}</h2>${operations
      .filter((o) => (o.op.tags?.[0] ?? 'other') === tag)
      .map((o) => operationHtml(o.path, o.method, o.op))}`,
)}
<h2 id="schemas">Schemas</h2>
${schemas.map(
  ([name, schema]) =>
    html`<details id="schema-${name}"><summary><code>${name}</code></summary><pre>${JSON.stringify(schema, null, 2)}</pre></details>`,
)}
</body></html>`;
  return raw(page).toString();
}
