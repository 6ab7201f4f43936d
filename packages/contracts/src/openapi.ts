import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBodySchema } from './errors.ts';
import { API_ROUTES, climbIdParam, type RouteContract } from './routes.ts';

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid JSON, or a field failed validation (`invalid_json`, `validation_failed`)',
  401: 'Missing, invalid or expired token (`unauthorized`, `invalid_credentials`)',
  403: 'Not allowed (`forbidden`), e.g. an anonymous sign-in or a non-admin',
  404: 'Not found (`not_found`)',
  409: 'Conflict (`email_taken`, `idempotency_conflict`)',
  413: 'Body too large (`payload_too_large`)',
  429: 'A daily limit, budget or throttle (`daily_limit_reached`, `budget_exceeded`, `too_many_attempts`, `upstream_rate_limited`); `Retry-After` says when to try again',
  502: 'The upstream model failed (`upstream_error`, `upstream_timeout`, `coach_unavailable`, …)',
  503: 'The database or upstream is unavailable (`service_unavailable`, `upstream_unavailable`, …) or the server is saturated (`server_busy`); see `Retry-After`',
};

/** Every 429 says when to try again. */
const retryAfter = z.strictObject({
  'Retry-After': z
    .string()
    .regex(/^[1-9]\d*$/)
    .meta({
      description: 'Seconds until the limit lets this request through (a daily limit: until 00:00 UTC)',
      example: '3600',
    }),
});

const errorResponse = (status: number) => ({
  description: STATUS_TEXT[status] ?? 'Error',
  ...(status === 429 ? { headers: retryAfter } : {}),
  content: { 'application/json': { schema: errorBodySchema } },
});

function successContent(route: RouteContract) {
  const body = route.success.body;
  switch (body.kind) {
    case 'json':
      return { 'application/json': { schema: body.schema } };
    case 'event-stream':
      return { 'text/event-stream': { schema: body.event } };
    case 'text':
      return {
        [body.contentType]: { schema: z.string() },
        ...(body.json ? { 'application/json': { schema: body.json } } : {}),
      };
    case 'empty':
      return undefined;
  }
}

function operation(route: RouteContract): ZodOpenApiOperationObject {
  const errorStatuses = new Set([
    ...(route.body || route.query ? [400] : []),
    // Every signed-in route reads the database: it may be saturated (`server_busy`) or away.
    ...(route.auth ? [401, 403, 503] : []),
  ]);
  for (const status of route.errors ?? []) errorStatuses.add(status);
  const content = successContent(route);
  const header = route.idempotent
    ? z.strictObject({
        'idempotency-key': z.string().optional().meta({
          description:
            'A repeat with the same key (same user, 24 h) returns the stored result and bills nothing',
        }),
      })
    : undefined;
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearer: [] }] } : {}),
    requestParams: {
      ...(route.query ? { query: route.query } : {}),
      ...(route.path.includes('{id}') ? { path: climbIdParam } : {}),
      ...(header ? { header } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content:
              route.body.contentType === 'text/csv'
                ? { 'text/csv': { schema: z.string() } }
                : { 'application/json': { schema: route.body.schema } },
          },
        }
      : {}),
    responses: {
      [String(route.success.status)]: {
        description:
          route.success.body.kind === 'event-stream'
            ? 'Server-sent events: each `data:` line is one JSON event (schema below); the stream ends with `data: [DONE]`.'
            : 'Success',
        ...(content ? { content } : {}),
      },
      ...Object.fromEntries(
        [...errorStatuses].sort().map((status) => [String(status), errorResponse(status)]),
      ),
      ...Object.fromEntries(
        Object.entries(route.statusBodies ?? {}).map(([status, schema]) => [
          status,
          {
            description: 'Not ready or not healthy: the body says which part',
            content: { 'application/json': { schema } },
          },
        ]),
      ),
    },
  };
}

/** The OpenAPI 3.1 document of the Crux API, generated from the contracts. */
export function buildOpenApiDocument(options: { version?: string } = {}) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of API_ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Crux API',
      version: options.version ?? '0.1.0',
      description:
        'Crux, a self-hostable AI climbing coach. Errors are always `{"error": {"code", "message", "request_id"}}`; every response carries `X-Request-Id`. Amounts are exact decimal strings.',
    },
    tags: [
      { name: 'auth' },
      { name: 'account' },
      { name: 'profile' },
      { name: 'climbs' },
      { name: 'coach' },
      { name: 'chat' },
      { name: 'usage' },
      { name: 'admin' },
      { name: 'operations' },
    ],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  });
}
