import type { ServerResponse } from 'node:http';
import Big from 'big.js';
import type { BillingLog } from './billing.ts';

/** JSON with exact decimal numbers: `money` values are written as raw JSON numbers. */
const money = (value: string) => JSON.rawJSON(value);

/**
 * `GET /key`, as OpenRouter answers it for the key in use: usage is what the simulator billed.
 * `limit` is the key's own spending limit (null: none).
 */
export function sendKey(res: ServerResponse, billing: BillingLog, limit: string | null): void {
  const usage = billing.total();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      data: {
        label: 'sk-or-v1-sim...ator (Crux simulator)',
        limit: limit === null ? null : money(limit),
        usage: money(usage),
        limit_remaining: limit === null ? null : money(new Big(limit).minus(usage).toFixed()),
        is_free_tier: false,
        is_provisioning_key: false,
        rate_limit: { requests: 1000, interval: '10s' },
      },
    }),
  );
}

/** `GET /credits`: the account's credits bought and used (everything the simulator billed). */
export function sendCredits(res: ServerResponse, billing: BillingLog, totalCredits: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ data: { total_credits: money(totalCredits), total_usage: money(billing.total()) } }),
  );
}
