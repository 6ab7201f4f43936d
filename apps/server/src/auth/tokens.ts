import { jwtVerify, SignJWT } from 'jose';

export interface TokenClaims {
  userId: string;
  email: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HS256 access tokens shaped like Supabase's (`sub`, `role`, `aud`, `exp`), so either side's tokens work. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly lifetime = '7d',
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(userId: string, email: string): Promise<string> {
    return new SignJWT({ email, role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setAudience('authenticated')
      .setIssuedAt()
      .setExpirationTime(this.lifetime)
      .sign(this.key);
  }

  /** The claims of a valid token, or null for a missing, forged, expired or `alg: none` one. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
      });
      if (!payload.sub || !UUID.test(payload.sub)) return null;
      return {
        userId: payload.sub.toLowerCase(),
        email: typeof payload.email === 'string' ? payload.email : undefined,
      };
    } catch {
      return null;
    }
  }
}
