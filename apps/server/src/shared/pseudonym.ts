import { createHmac } from 'node:crypto';

/**
 * A stable, opaque id for a user, sent as OpenRouter's `user` (abuse tracking) instead of
 * anything that identifies them here.
 */
export function pseudonymFor(userId: string, secret: string): string {
  return `crux-${createHmac('sha256', secret).update(userId).digest('hex').slice(0, 24)}`;
}
