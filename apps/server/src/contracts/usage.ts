import { z } from 'zod';

const isoDate = z.iso.date({ error: 'dates are YYYY-MM-DD (UTC)' });

export const usageQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  group_by: z.enum(['day', 'endpoint', 'model']).default('day'),
});

export const adminUsageQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  group_by: z.enum(['user', 'day', 'endpoint', 'model']).default('user'),
});
