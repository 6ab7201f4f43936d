import { z } from 'zod';
import { accountExportSchema } from './account.ts';
import {
  authConfigSchema,
  loginRequestSchema,
  passwordChangeSchema,
  refreshRequestSchema,
  sessionSchema,
  signupRequestSchema,
} from './auth.ts';
import { chatEventSchema, chatMessagesQuerySchema, chatMessagesSchema, chatRequestSchema } from './chat.ts';
import {
  climbListSchema,
  climbPatchSchema,
  climbSchema,
  exportQuerySchema,
  importReportSchema,
  listClimbsQuerySchema,
  logbookExportSchema,
  newClimbSchema,
  vocabularySchema,
} from './climbs.ts';
import {
  generatedRecommendationSchema,
  generateRecommendationRequestSchema,
  latestRecommendationSchema,
  patternsSchema,
} from './coach.ts';
import { healthSchema, modelInfoSchema, readinessSchema, reconcileReportSchema } from './ops.ts';
import { profileSchema, profileUpdateSchema } from './profile.ts';
import {
  adminUsageQuerySchema,
  adminUsageSchema,
  usageLimitsSchema,
  usageQuerySchema,
  usageRecordsQuerySchema,
  usageRecordsSchema,
  usageSummarySchema,
} from './usage.ts';

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

const json = (schema: z.ZodType): ResponseBody => ({ kind: 'json', schema });
const ok = (schema: z.ZodType) => ({ status: 200 as const, body: json(schema) });
const jsonBody = (schema: z.ZodType) => ({ contentType: 'application/json' as const, schema });
const noContent = { status: 204 as const, body: { kind: 'empty' } as const };

export const climbIdParam = z.strictObject({ id: z.uuid() });

export const API_ROUTES = [
  {
    id: 'signup',
    method: 'post',
    path: '/v1/auth/signup',
    tag: 'auth',
    summary: 'Create an account and get a token',
    auth: false,
    body: jsonBody(signupRequestSchema),
    success: { status: 201, body: json(sessionSchema) },
    errors: [409, 429],
  },
  {
    id: 'login',
    method: 'post',
    path: '/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in with e-mail and password',
    auth: false,
    body: jsonBody(loginRequestSchema),
    success: ok(sessionSchema),
    errors: [401, 429],
  },
  {
    id: 'refresh',
    method: 'post',
    path: '/v1/auth/refresh',
    tag: 'auth',
    summary: 'Exchange a refresh token for a new pair (the old refresh token is spent)',
    auth: false,
    body: jsonBody(refreshRequestSchema),
    success: ok(sessionSchema),
    errors: [401],
  },
  {
    id: 'logout',
    method: 'post',
    path: '/v1/auth/logout',
    tag: 'auth',
    summary: 'Sign out: revoke the refresh token and every token renewed from the same sign-in',
    auth: false,
    body: jsonBody(refreshRequestSchema),
    success: noContent,
  },
  {
    id: 'changePassword',
    method: 'put',
    path: '/v1/auth/password',
    tag: 'auth',
    summary: 'Change the password; every refresh token of the account is revoked and a new session returned',
    auth: true,
    body: jsonBody(passwordChangeSchema),
    success: ok(sessionSchema),
  },
  {
    id: 'authConfig',
    method: 'get',
    path: '/v1/auth/config',
    tag: 'auth',
    summary: 'How the web app signs in (the Supabase project when Supabase Auth is set up)',
    auth: false,
    success: ok(authConfigSchema),
  },
  {
    id: 'getProfile',
    method: 'get',
    path: '/v1/profile',
    tag: 'profile',
    summary: "The caller's profile",
    auth: true,
    success: ok(profileSchema),
  },
  {
    id: 'updateProfile',
    method: 'put',
    path: '/v1/profile',
    tag: 'profile',
    summary: 'Change the profile (fields left out keep their value)',
    auth: true,
    body: jsonBody(profileUpdateSchema),
    success: ok(profileSchema),
  },
  {
    id: 'vocabulary',
    method: 'get',
    path: '/v1/vocabulary',
    tag: 'climbs',
    summary: 'Every allowed value of a climb field',
    auth: true,
    success: ok(vocabularySchema),
  },
  {
    id: 'listClimbs',
    method: 'get',
    path: '/v1/climbs',
    tag: 'climbs',
    summary: 'The logbook, newest first, paged with `before`',
    auth: true,
    query: listClimbsQuerySchema,
    success: ok(climbListSchema),
  },
  {
    id: 'createClimb',
    method: 'post',
    path: '/v1/climbs',
    tag: 'climbs',
    summary: 'Log a climb (an `Idempotency-Key` makes a retry return the same climb)',
    auth: true,
    idempotent: true,
    body: jsonBody(newClimbSchema),
    success: { status: 201, body: json(climbSchema) },
    errors: [409],
  },
  {
    id: 'exportClimbs',
    method: 'get',
    path: '/v1/climbs/export',
    tag: 'climbs',
    summary: 'The whole logbook, newest first, as CSV (`format=csv`) or JSON (`format=json`, the default)',
    auth: true,
    query: exportQuerySchema,
    success: { status: 200, body: { kind: 'text', contentType: 'text/csv', json: logbookExportSchema } },
  },
  {
    id: 'importClimbs',
    method: 'post',
    path: '/v1/climbs/import',
    tag: 'climbs',
    summary: 'Import climbs from CSV (the export format); each row validated, refused rows reported',
    auth: true,
    body: { contentType: 'text/csv' },
    success: ok(importReportSchema),
    errors: [413],
  },
  {
    id: 'getClimb',
    method: 'get',
    path: '/v1/climbs/{id}',
    tag: 'climbs',
    summary: 'One climb',
    auth: true,
    success: ok(climbSchema),
    errors: [404],
  },
  {
    id: 'updateClimb',
    method: 'patch',
    path: '/v1/climbs/{id}',
    tag: 'climbs',
    summary: 'Change some fields of a climb',
    auth: true,
    body: jsonBody(climbPatchSchema),
    success: ok(climbSchema),
    errors: [404],
  },
  {
    id: 'deleteClimb',
    method: 'delete',
    path: '/v1/climbs/{id}',
    tag: 'climbs',
    summary: 'Delete a climb',
    auth: true,
    success: noContent,
    errors: [404],
  },
  {
    id: 'patterns',
    method: 'get',
    path: '/v1/coach/patterns',
    tag: 'coach',
    summary: 'Patterns in the newest 100 climbs',
    auth: true,
    success: ok(patternsSchema),
  },
  {
    id: 'generateRecommendation',
    method: 'post',
    path: '/v1/coach/recommendations',
    tag: 'coach',
    summary: 'Generate this week’s recommendation (billed; daily limit)',
    auth: true,
    idempotent: true,
    body: jsonBody(generateRecommendationRequestSchema),
    success: ok(generatedRecommendationSchema),
    errors: [409, 429, 502, 503],
  },
  {
    id: 'latestRecommendation',
    method: 'get',
    path: '/v1/coach/recommendations/latest',
    tag: 'coach',
    summary: 'The newest recommendation',
    auth: true,
    success: ok(latestRecommendationSchema),
    errors: [404],
  },
  {
    id: 'chat',
    method: 'post',
    path: '/v1/chat',
    tag: 'chat',
    summary: 'Ask the coach; the answer streams as server-sent events ending with `data: [DONE]`',
    auth: true,
    idempotent: true,
    body: jsonBody(chatRequestSchema),
    success: { status: 200, body: { kind: 'event-stream', event: chatEventSchema } },
    errors: [409, 429, 502, 503],
  },
  {
    id: 'chatMessages',
    method: 'get',
    path: '/v1/chat/messages',
    tag: 'chat',
    summary: 'Chat history, oldest first',
    auth: true,
    query: chatMessagesQuerySchema,
    success: ok(chatMessagesSchema),
  },
  {
    id: 'clearChat',
    method: 'delete',
    path: '/v1/chat/messages',
    tag: 'chat',
    summary: 'Delete the chat history',
    auth: true,
    success: noContent,
  },
  {
    id: 'usage',
    method: 'get',
    path: '/v1/usage',
    tag: 'usage',
    summary: "The caller's spend, grouped by day, endpoint or model",
    auth: true,
    query: usageQuerySchema,
    success: ok(usageSummarySchema),
  },
  {
    id: 'usageLimits',
    method: 'get',
    path: '/v1/usage/limits',
    tag: 'usage',
    summary: "Today's limits and budget",
    auth: true,
    success: ok(usageLimitsSchema),
  },
  {
    id: 'usageRecords',
    method: 'get',
    path: '/v1/usage/records',
    tag: 'usage',
    summary: "The caller's ledger rows, newest first, paged with `before`",
    auth: true,
    query: usageRecordsQuerySchema,
    success: ok(usageRecordsSchema),
  },
  {
    id: 'adminUsage',
    method: 'get',
    path: '/v1/admin/usage',
    tag: 'admin',
    summary: "Everyone's spend (operators only)",
    auth: true,
    query: adminUsageQuerySchema,
    success: ok(adminUsageSchema),
    errors: [403],
  },
  {
    id: 'model',
    method: 'get',
    path: '/v1/model',
    tag: 'operations',
    summary: 'The configured model and its catalog pricing',
    auth: false,
    success: ok(modelInfoSchema),
  },
  {
    id: 'health',
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness and database reachability',
    auth: false,
    success: ok(healthSchema),
    statusBodies: { 503: healthSchema },
  },
  {
    id: 'ready',
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Readiness: the database answers and the upstream accepts the API key (503 says which not)',
    auth: false,
    success: ok(readinessSchema),
    statusBodies: { 503: readinessSchema },
  },
  {
    id: 'reconcile',
    method: 'post',
    path: '/v1/ops/reconcile',
    tag: 'operations',
    summary:
      'One reconcile pass over pending ledger rows, for a scheduler (Supabase pg_cron): `Authorization: Bearer <CRUX_RECONCILE_SECRET>`; 404 while that is unset',
    auth: false,
    success: ok(reconcileReportSchema),
    errors: [401, 404],
  },
  {
    id: 'metrics',
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    auth: false,
    success: { status: 200, body: { kind: 'text', contentType: 'text/plain' } },
  },
  {
    id: 'openapi',
    method: 'get',
    path: '/v1/openapi.json',
    tag: 'operations',
    summary: 'This document',
    auth: false,
    success: ok(z.looseObject({ openapi: z.string() })),
  },
  {
    id: 'apiReference',
    method: 'get',
    path: '/v1/docs',
    tag: 'operations',
    summary: 'A readable reference page of this document',
    auth: false,
    success: { status: 200, body: { kind: 'text', contentType: 'text/html' } },
  },
  // Last: a run over every route (the fuzz test) deletes its account only at the end.
  {
    id: 'exportAccount',
    method: 'get',
    path: '/v1/account/export',
    tag: 'account',
    summary: "All of the caller's data as JSON",
    auth: true,
    success: ok(accountExportSchema),
  },
  {
    id: 'deleteAccount',
    method: 'delete',
    path: '/v1/account',
    tag: 'account',
    summary: 'Delete the account: personal data deleted, ledger rows kept without the person, tokens refused',
    auth: true,
    success: noContent,
  },
] as const satisfies readonly RouteContract[];

export type RouteId = (typeof API_ROUTES)[number]['id'];
