import { sessionSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type InProcessApp, startInProcessApp } from '../../../test/support/in-process.ts';

let h: InProcessApp;
beforeAll(async () => {
  h = await startInProcessApp();
});
afterAll(() => h?.close());

const credentials = (email: string, password = 'correct horse battery') => ({ email, password });
const signup = (json: unknown) => h.request('/v1/auth/signup', { method: 'POST', json });
const login = (json: unknown) => h.request('/v1/auth/login', { method: 'POST', json });

describe('POST /v1/auth/signup', () => {
  it('creates an account: 201 with a session', async () => {
    const response = await signup(credentials('Route.Tester@Example.com'));
    expect(response.status).toBe(201);
    const session = sessionSchema.parse(await response.json());
    expect(session.user.email).toBe('Route.Tester@Example.com');
    expect(session.token.split('.')).toHaveLength(3);
  });

  it('refuses a taken e-mail, whatever its case, with 409 email_taken', async () => {
    const { email } = await h.signup();
    await expectError(await signup(credentials(email.toUpperCase())), 409, 'email_taken');
  });

  it.each([
    ['a short password', { email: 'short@example.com', password: 'abc' }, 'password'],
    ['a bad e-mail', { email: 'not-an-email', password: 'correct horse battery' }, 'email'],
    ['a missing password', { email: 'missing@example.com' }, 'password'],
    ['an unknown field', { ...credentials('extra@example.com'), admin: true }, ''],
  ])('refuses %s with 400 validation_failed', async (_name, body, path) => {
    const error = await expectError(await signup(body), 400, 'validation_failed');
    expect(error.error.details?.map((d) => d.path)).toContain(path);
  });

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const response = await h.request('/v1/auth/signup', {
      method: 'POST',
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    await expectError(response, 400, 'invalid_json');
  });

  it('refuses a body over 64 KB with 413 payload_too_large', async () => {
    await expectError(
      await signup(credentials('big@example.com', 'x'.repeat(70_000))),
      413,
      'payload_too_large',
    );
  });
});

describe('POST /v1/auth/login', () => {
  it('logs in with the password, the e-mail in any case: 200 with a session for the same user', async () => {
    const { email, userId } = await h.signup();
    const response = await login(credentials(email.toUpperCase()));
    expect(response.status).toBe(200);
    const session = sessionSchema.parse(await response.json());
    expect(session.user.id).toBe(userId);
    expect((await h.request('/v1/profile', { token: session.token })).status).toBe(200);
  });

  it('answers a wrong password and an unknown e-mail alike: 401 invalid_credentials', async () => {
    const { email } = await h.signup();
    const wrong = await expectError(
      await login(credentials(email, 'not the password')),
      401,
      'invalid_credentials',
    );
    const unknown = await expectError(
      await login(credentials('nobody@example.com')),
      401,
      'invalid_credentials',
    );
    expect(unknown.error.message).toBe(wrong.error.message);
  });

  it.each([
    ['an empty password', { email: 'a@example.com', password: '' }],
    ['an unknown field', { ...credentials('a@example.com'), remember: true }],
    ['no body fields', {}],
  ])('refuses %s with 400 validation_failed', async (_name, body) => {
    await expectError(await login(body), 400, 'validation_failed');
  });
});
