import { randomUUID } from 'node:crypto';

/** Signs a new climber up through `POST /v1/auth/signup`, with whichever transport a harness uses. */
export async function signupThrough(
  request: (path: string, init: { method: string; json: unknown }) => Promise<Response>,
  email = `climber-${randomUUID()}@example.com`,
): Promise<{ token: string; userId: string; email: string }> {
  const response = await request('/v1/auth/signup', {
    method: 'POST',
    json: { email, password: 'correct horse battery' },
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id, email };
}
