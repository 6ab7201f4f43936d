import { z } from 'zod';

/**
 * How the simulator answers one request. Tests and demos queue scenarios; a request takes the
 * next one (or the defaults). Every field is optional.
 */
export const scenarioSchema = z.strictObject({
  /** Refuse before streaming with this HTTP status (400, 401, 402, 403, 408, 429, 502, 503). */
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** Delay before the response headers. */
  latencyMs: z.number().int().nonnegative().optional(),
  /** Streams only: time between the headers and the first chunk, filled with keep-alive comments. */
  processingMs: z.number().int().nonnegative().optional(),
  /** Delay between chunks. */
  chunkDelayMs: z.number().int().nonnegative().optional(),
  /** Keep-alive comment lines sent before the first chunk and between chunks. */
  keepAlives: z.number().int().nonnegative().optional(),
  /** The reply text (chat) or raw content (JSON requests). */
  content: z.string().optional(),
  /** The billed amount, as decimal text (e.g. "0.0000004"); otherwise tokens × catalog price. */
  cost: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  /** Send an error chunk after this many content chunks, then end the stream. */
  failAfterChunks: z.number().int().nonnegative().optional(),
  /** Drop the connection after this many content chunks. */
  cutAfterChunks: z.number().int().nonnegative().optional(),
  /** Leave the usage chunk out (an older or non-OpenRouter upstream). */
  omitUsage: z.boolean().optional(),
  /** How long `/generation` answers 404 for this request (three times longer after an interrupted stream). */
  generationDelayMs: z.number().int().nonnegative().optional(),
  /** For JSON requests: a valid coach answer, text that is not JSON, or JSON that breaks the schema. */
  output: z.enum(['valid', 'invalid_json', 'schema_invalid']).optional(),
});

export type Scenario = z.output<typeof scenarioSchema>;
