import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

export interface SupabaseAuth {
  /** `<SUPABASE_URL>/auth/v1`, the `iss` of the project's user tokens. */
  issuer: string;
  algorithms: string[];
  key: JWTVerifyGetKey;
}

/**
 * How a Supabase project's user tokens are checked: asymmetric keys (ES256, RS256) from its JWKS,
 * fetched on first use, cached, and fetched again when a token names an unknown key id (so a
 * rotated key works without a restart); HS256 with the project's legacy JWT secret.
 */
export function supabaseAuth(
  supabaseUrl: string,
  secret: Uint8Array,
  cooldownMs = 30_000,
  issuerOverride?: string,
): SupabaseAuth {
  const authUrl = `${supabaseUrl.replace(/\/+$/, '')}/auth/v1`;
  const issuer = issuerOverride ?? authUrl;
  const jwks = createRemoteJWKSet(new URL(`${authUrl}/.well-known/jwks.json`), {
    cooldownDuration: cooldownMs,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  return {
    issuer,
    algorithms: ['ES256', 'RS256', 'HS256'],
    key: (header, token) => (header.alg === 'HS256' ? secret : jwks(header, token)),
  };
}
