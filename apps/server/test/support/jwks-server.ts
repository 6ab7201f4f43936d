import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  jwk: JWK;
}

/** A fresh asymmetric key pair as Supabase Auth publishes it (public half as a JWK with `kid`). */
export async function signingKey(alg: 'ES256' | 'RS256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * A stand-in Supabase project on loopback: `GET /auth/v1/.well-known/jwks.json` serves the keys
 * currently published (swap them to rotate), counting fetches.
 */
export class JwksServer {
  published: SigningKey[] = [];
  fetches = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      if (request.url !== '/auth/v1/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      this.fetches++;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: this.published.map((key) => key.jwk) }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** A user token as Supabase Auth issues it, signed with `key`; `claims` override the defaults. */
  sign(key: SigningKey, sub: string, claims: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT({
      iss: `${this.url}/auth/v1`,
      aud: 'authenticated',
      sub,
      role: 'authenticated',
      email: `${sub.slice(0, 8)}@supa.example`,
      ...claims,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
