import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { type SigningKey, signingKey } from '../../../server/test/support/jwks-server.ts';

interface Account {
  id: string;
  email: string;
  password: string;
}

/**
 * A LOCAL STAND-IN for Supabase Auth (GoTrue), for the browser tests only: on loopback, the few
 * endpoints the web app uses (`/auth/v1/signup`, `/auth/v1/token?grant_type=password|refresh_token`,
 * `/auth/v1/logout`) and the project's JWKS (`/auth/v1/.well-known/jwks.json`, one ES256 key),
 * issuing ES256 user tokens as a new Supabase project does. It is not Supabase.
 */
export class SupabaseAuthStandIn {
  readonly accounts = new Map<string, Account>();
  /** Refresh token → user id; a used one is deleted (rotation). */
  private readonly refreshTokens = new Map<string, string>();
  private key: SigningKey | undefined;
  private server: Server | undefined;
  url = '';
  readonly anonKey = `standin-anon-key-${randomBytes(12).toString('hex')}`;

  async start(): Promise<string> {
    this.key = await signingKey('ES256', 'standin-es256');
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-headers', '*');
    response.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (request.method === 'OPTIONS') return void response.writeHead(204).end();
    const url = new URL(request.url ?? '/', this.url);
    const send = (status: number, body: unknown) =>
      void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/auth/v1/.well-known/jwks.json') return send(200, { keys: [this.key!.jwk] });
    if (url.pathname === '/auth/v1/logout') return void response.writeHead(204).end();
    const body = JSON.parse((await readAll(request)) || '{}') as Record<string, string>;
    if (url.pathname === '/auth/v1/signup') {
      const email = body.email?.toLowerCase() ?? '';
      if (this.accounts.has(email)) return send(422, { code: 422, msg: 'User already registered' });
      const account = { id: randomUUID(), email, password: body.password ?? '' };
      this.accounts.set(email, account);
      return send(200, await this.session(account));
    }
    if (url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'password') {
      const account = this.accounts.get(body.email?.toLowerCase() ?? '');
      if (!account || account.password !== body.password)
        return send(400, { error: 'invalid_grant', error_description: 'Invalid login credentials' });
      return send(200, await this.session(account));
    }
    if (url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'refresh_token') {
      const userId = this.refreshTokens.get(body.refresh_token ?? '');
      const account = [...this.accounts.values()].find((a) => a.id === userId);
      if (!account) return send(400, { error: 'invalid_grant', error_description: 'Invalid Refresh Token' });
      this.refreshTokens.delete(body.refresh_token ?? '');
      return send(200, await this.session(account));
    }
    send(404, { error: 'not_found' });
  }

  private async session(account: Account) {
    const issuedAt = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      aud: 'authenticated',
      role: 'authenticated',
      email: account.email,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.key!.kid, typ: 'JWT' })
      .setIssuer(`${this.url}/auth/v1`)
      .setSubject(account.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(this.key!.privateKey);
    const refreshToken = randomBytes(16).toString('hex');
    this.refreshTokens.set(refreshToken, account.id);
    const user = {
      id: account.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: account.email,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      created_at: new Date().toISOString(),
    };
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: issuedAt + 3600,
      refresh_token: refreshToken,
      user,
    };
  }
}

async function readAll(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}
