import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type SupabaseAuth, supabaseAuth } from './supabase-auth.ts';

export interface TokenClaims {
  userId: string;
  /** Who issued the token: `crux`, or the Supabase project's `<SUPABASE_URL>/auth/v1`. */
  issuer: string;
  email: string | undefined;
  /** A Supabase anonymous sign-in (`is_anonymous: true`). */
  anonymous: boolean;
  /** Granted by a claim only Supabase's service role can set (`app_metadata.crux_admin: true`). */
  admin: boolean;
}

export interface TokenOptions {
  /** Crux's own tokens and, when set, Supabase Auth's legacy HS256 tokens. */
  secret: string;
  /** When set, Supabase Auth tokens of this project are accepted too. */
  supabaseUrl?: string | undefined;
  /** The `iss` of the project's tokens when not `<supabaseUrl>/auth/v1` (a local `supabase start`). */
  supabaseIssuer?: string | undefined;
  /** How long after fetching the JWKS an unknown key id waits before a refetch (jose's cooldown). */
  jwksCooldownMs?: number | undefined;
  /** How long Crux's own access tokens live, in seconds (default 15 min). */
  lifetime?: number | undefined;
}

/** The issuer of Crux's own tokens. */
export const CRUX_ISSUER = 'crux';
/** The audience of every user token, Crux's and Supabase's alike. */
export const USER_AUDIENCE = 'authenticated';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access tokens: Crux signs its own (HS256, `iss: crux`, shaped like Supabase's: `sub`, `role`,
 * `aud`, `exp`) and accepts Supabase Auth's when `supabaseUrl` is set (asymmetric keys from the
 * project's JWKS, or the legacy shared secret), each checked against its issuer's `iss` and `aud`.
 */
export class TokenService {
  private readonly key: Uint8Array;
  /** How long Crux's own access tokens live. */
  readonly lifetimeSeconds: number;
  private readonly supabase: SupabaseAuth | undefined;

  constructor(options: TokenOptions) {
    this.key = new TextEncoder().encode(options.secret);
    this.lifetimeSeconds = options.lifetime ?? 15 * 60;
    this.supabase = options.supabaseUrl
      ? supabaseAuth(options.supabaseUrl, this.key, options.jwksCooldownMs, options.supabaseIssuer)
      : undefined;
  }

  sign(userId: string, email: string | null): Promise<string> {
    return new SignJWT({ ...(email ? { email } : {}), role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(CRUX_ISSUER)
      .setSubject(userId)
      .setAudience(USER_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid user token, or null for a missing, forged, expired, foreign or non-user one. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const issuer = decodeJwt(token).iss;
      const common = { audience: USER_AUDIENCE, requiredClaims: ['exp', 'sub'] };
      if (issuer === CRUX_ISSUER) {
        const { payload } = await jwtVerify(token, this.key, {
          ...common,
          issuer: CRUX_ISSUER,
          algorithms: ['HS256'],
        });
        return userClaims(payload, CRUX_ISSUER);
      }
      if (this.supabase && issuer === this.supabase.issuer) {
        const { payload } = await jwtVerify(token, this.supabase.key, {
          ...common,
          issuer: this.supabase.issuer,
          algorithms: this.supabase.algorithms,
        });
        return userClaims(payload, this.supabase.issuer);
      }
      return null;
    } catch {
      return null;
    }
  }
}

/** A signed-in user's claims; null for any other role (`anon`, `service_role`) or a malformed `sub`. */
function userClaims(payload: JWTPayload, issuer: string): TokenClaims | null {
  if (payload.role !== 'authenticated' || !payload.sub || !UUID.test(payload.sub)) return null;
  const appMetadata = payload.app_metadata as Record<string, unknown> | undefined;
  return {
    userId: payload.sub.toLowerCase(),
    issuer,
    email: typeof payload.email === 'string' && payload.email ? payload.email : undefined,
    anonymous: payload.is_anonymous === true,
    admin: issuer !== CRUX_ISSUER && appMetadata?.crux_admin === true,
  };
}
