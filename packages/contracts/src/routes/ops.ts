import { z } from 'zod';
import { healthSchema, modelInfoSchema, readinessSchema, reconcileReportSchema } from '../ops.ts';
import { ok, type RouteContract } from './contract.ts';

/** The `operations` operations. */
export const OPS_ROUTES = [
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
] as const satisfies readonly RouteContract[];
