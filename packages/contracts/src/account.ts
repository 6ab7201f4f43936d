import { z } from 'zod';
import { chatMessageSchema } from './chat.ts';
import { climbSchema } from './climbs.ts';
import { recommendationSchema } from './coach.ts';
import { timestamp } from './common.ts';
import { profileSchema } from './profile.ts';
import { usageRecordSchema } from './usage.ts';

/** `GET /v1/account/export`: everything Crux holds about the caller. */
export const accountExportSchema = z
  .strictObject({
    exported_at: timestamp,
    account: z.strictObject({
      id: z.uuid(),
      /** Null for an account without an e-mail (a phone sign-in). */
      email: z.string().nullable(),
      /** Who signs this account in: `crux`, or the Supabase project's Auth URL. */
      issuer: z.string().nullable(),
      created_at: timestamp,
    }),
    profile: profileSchema,
    climbs: z.array(climbSchema),
    chat_messages: z.array(chatMessageSchema),
    recommendations: z.array(recommendationSchema),
    /** Every ledger row of the account (what each LLM call cost). */
    usage: z.array(usageRecordSchema),
  })
  .meta({ id: 'AccountExport' });

export type AccountExport = z.output<typeof accountExportSchema>;
