import {
  adminUsageQuerySchema,
  adminUsageSchema,
  usageLimitsSchema,
  usageQuerySchema,
  usageRecordsQuerySchema,
  usageRecordsSchema,
  usageSummarySchema,
} from '../usage.ts';
import { ok, type RouteContract } from './contract.ts';

/** The `usage` operations. */
export const USAGE_ROUTES = [
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
] as const satisfies readonly RouteContract[];
