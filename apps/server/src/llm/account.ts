import Big from 'big.js';
import { z } from 'zod';
import { UpstreamError } from './errors.ts';
import { parseJsonExact } from './exact-json.ts';

/** The account amounts OpenRouter sends as JSON numbers: kept as exact decimal text. */
const ACCOUNT_MONEY = new Set(['usage', 'limit', 'limit_remaining', 'total_credits', 'total_usage']);

const money = z.string().nullable().optional();

const keyBody = z.looseObject({
  data: z.looseObject({
    label: z.string().nullable().optional(),
    usage: money,
    limit: money,
    limit_remaining: money,
    is_free_tier: z.boolean().optional(),
  }),
});

const creditsBody = z.looseObject({
  data: z.looseObject({ total_credits: z.string(), total_usage: z.string() }),
});

/** What `GET /key` says about the key in use. Amounts in USD, exact. */
export interface KeyInfo {
  label: string | null;
  usage: string | null;
  /** The key's own spending limit; null when it has none. */
  limit: string | null;
  limitRemaining: string | null;
  isFreeTier: boolean;
}

/** `GET /credits`: what was bought, what was used, and what is left, in USD, exact. */
export interface Credits {
  totalCredits: string;
  totalUsage: string;
  remaining: string;
}

/**
 * OpenRouter's account endpoints: `GET /key` (a cheap check that the key works) and
 * `GET /credits` (the credit left on the account). Failures are UpstreamErrors (`unauthorized` for a bad key).
 */
export class OpenRouterAccount {
  constructor(
    private readonly options: { baseUrl: string; apiKey: string | undefined; timeoutMs?: number },
  ) {}

  async key(): Promise<KeyInfo> {
    const { data } = await this.read('/key', keyBody);
    return {
      label: data.label ?? null,
      usage: data.usage ?? null,
      limit: data.limit ?? null,
      limitRemaining: data.limit_remaining ?? null,
      isFreeTier: data.is_free_tier ?? false,
    };
  }

  async credits(): Promise<Credits> {
    const { data } = await this.read('/credits', creditsBody);
    return {
      totalCredits: data.total_credits,
      totalUsage: data.total_usage,
      remaining: new Big(data.total_credits).minus(data.total_usage).toFixed(),
    };
  }

  private async read<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const parsed = schema.safeParse(await this.get(path));
    if (!parsed.success)
      throw new UpstreamError('unexpected', `The upstream ${path} answer had an unexpected shape`);
    return parsed.data;
  }

  /** A GET, tried twice when the connection breaks (a kept-alive socket the server just closed). */
  private async fetch(path: string, attempt = 1): Promise<Response> {
    try {
      return await fetch(`${this.options.baseUrl}${path}`, {
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError')
        throw new UpstreamError('timeout', `The upstream did not answer ${path} in time`);
      if (attempt < 2) return this.fetch(path, attempt + 1);
      throw new UpstreamError('network', `The upstream could not be reached (${reason(error)})`);
    }
  }

  private async get(path: string): Promise<unknown> {
    const response = await this.fetch(path);
    const text = await response.text();
    if (!response.ok) {
      const message = /"message"\s*:\s*"([^"]{1,200})"/.exec(text)?.[1] ?? `HTTP ${response.status}`;
      throw UpstreamError.fromStatus(response.status, message, response.headers.get('retry-after'));
    }
    try {
      return parseJsonExact(text, ACCOUNT_MONEY);
    } catch {
      throw new UpstreamError('unexpected', `The upstream ${path} answer was not JSON`);
    }
  }
}

/** The low-level reason of a failed fetch: `ECONNREFUSED`, `ENOTFOUND`, … */
function reason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error instanceof Error ? error.message : String(error);
}
