import { chatEventSchema } from '@crux/contracts';
import { buildOpenApiDocument } from '@crux/contracts/openapi';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks real responses against the published OpenAPI document (not against the zod schemas it was
 * built from), so every integration test is also a test that the document tells the truth.
 */
const document = buildOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document as object, 'crux');

interface Operation {
  pattern: RegExp;
  method: string;
  template: string;
}

const operations: Operation[] = Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
  Object.keys(item ?? {}).map((method) => ({
    template,
    method: method.toUpperCase(),
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })),
);

const validators = new Map<string, ValidateFunction>();
const pointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

function validatorFor(template: string, method: string, status: number): ValidateFunction | undefined {
  const key = `${method} ${template} ${status}`;
  if (!validators.has(key)) {
    const item = document.paths?.[template] as
      | Record<string, { responses?: Record<string, unknown> }>
      | undefined;
    const operation = item?.[method.toLowerCase()];
    const response = operation?.responses?.[String(status)] as
      | { content?: Record<string, { schema?: unknown }> }
      | undefined;
    if (!response?.content?.['application/json']?.schema) return undefined;
    const ref = `crux#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    validators.set(key, ajv.compile({ $ref: ref }));
  }
  return validators.get(key);
}

/** Throws when a JSON response is not what the document promises for its route and status. */
export async function checkResponseAgainstDocument(
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  const path = new URL(url).pathname;
  if (method.toUpperCase() === 'OPTIONS') return; // CORS preflights are not operations
  const operation = operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
  if (!operation) {
    if (response.status === 404 || response.status === 405 || !path.startsWith('/v1/')) return;
    throw new Error(`${method} ${path} answered ${response.status} but is not in the OpenAPI document`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) return;
  // Every limit says when to try again (the document's 429 header).
  if (response.status === 429 && !/^[1-9]\d*$/.test(response.headers.get('retry-after') ?? ''))
    throw new Error(`${method} ${path} answered 429 without a Retry-After of whole seconds`);
  const validate = validatorFor(operation.template, operation.method, response.status);
  if (!validate) {
    // 413 (body limit) and 503 (database down) may come from any route.
    if ([413, 503].includes(response.status)) return;
    throw new Error(
      `${method} ${operation.template} answered ${response.status}, a status the document does not list`,
    );
  }
  const body: unknown = await response.clone().json();
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} ${response.status}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

/** Throws when a chat stream event is not one the contract describes. */
export function checkChatEvent(event: unknown): void {
  const result = chatEventSchema.safeParse(event);
  if (!result.success)
    throw new Error(`chat event off contract: ${result.error.message}\n${JSON.stringify(event)}`);
}
