import { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a successful response carries. */
export type ResponseBody =
  | { kind: 'json'; schema: z.ZodType }
  | { kind: 'event-stream'; event: z.ZodType }
  /** Text of a content type; `json`, when set, is the same content as JSON (e.g. a `format=json` download). */
  | { kind: 'text'; contentType: string; json?: z.ZodType }
  | { kind: 'empty' };

/** One operation of the HTTP API: everything the server, the SDK and the OpenAPI document need to agree on. */
export interface RouteContract {
  id: string;
  method: HttpMethod;
  /** OpenAPI-style path: `/v1/climbs/{id}`. */
  path: string;
  tag: 'auth' | 'account' | 'profile' | 'climbs' | 'coach' | 'chat' | 'usage' | 'admin' | 'operations';
  summary: string;
  /** Needs `Authorization: Bearer <token>`. */
  auth: boolean;
  query?: z.ZodObject;
  body?: { contentType: 'application/json'; schema: z.ZodType } | { contentType: 'text/csv' };
  /** Takes an `Idempotency-Key` header. */
  idempotent?: boolean;
  success: { status: 200 | 201 | 204; body: ResponseBody };
  /** Error statuses beyond the ones every route may answer (400 and, with `auth`, 401 and 403). */
  errors?: number[];
  /** Non-success statuses whose body is this route's own schema, not an error body (`/readyz`'s 503). */
  statusBodies?: Partial<Record<number, z.ZodType>>;
}

/** Shorthands for the route tables. */
export const json = (schema: z.ZodType): ResponseBody => ({ kind: 'json', schema });
export const ok = (schema: z.ZodType) => ({ status: 200 as const, body: json(schema) });
export const jsonBody = (schema: z.ZodType) => ({ contentType: 'application/json' as const, schema });
export const noContent = { status: 204 as const, body: { kind: 'empty' } as const };

export const climbIdParam = z.strictObject({ id: z.uuid() });
