import { ACCOUNT_ROUTES } from './routes/account.ts';
import { AUTH_ROUTES } from './routes/auth.ts';
import { CHAT_ROUTES } from './routes/chat.ts';
import { CLIMBS_ROUTES } from './routes/climbs.ts';
import { COACH_ROUTES } from './routes/coach.ts';
import type { RouteContract } from './routes/contract.ts';
import { OPS_ROUTES } from './routes/ops.ts';
import { PROFILE_ROUTES } from './routes/profile.ts';
import { USAGE_ROUTES } from './routes/usage.ts';

export { climbIdParam, type HttpMethod, type ResponseBody, type RouteContract } from './routes/contract.ts';

/** Every operation of the HTTP API, in the order of the API document. */
export const API_ROUTES = [
  ...AUTH_ROUTES,
  ...PROFILE_ROUTES,
  ...CLIMBS_ROUTES,
  ...COACH_ROUTES,
  ...CHAT_ROUTES,
  ...USAGE_ROUTES,
  ...OPS_ROUTES,
  ...ACCOUNT_ROUTES,
] as const satisfies readonly RouteContract[];

export type RouteId = (typeof API_ROUTES)[number]['id'];
