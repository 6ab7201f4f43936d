import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../../server/test/support/harness.ts';
import { type E2E, startE2E } from './support/app.ts';
import { collectPageErrors, expectAccessible, newContext, screenshots } from './support/browser.ts';

interface Stored {
  token: string;
  refresh_token: string;
  email: string;
  user_id: string;
}

const stored = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('crux.session') ?? 'null') as Stored | null);

/** Creates an account through the sign-up page; the app goes on to its setup page. */
async function signUp(page: Page): Promise<string> {
  const email = `climber-${randomUUID()}@example.com`;
  await page.goto('/sign-up');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/setup');
  return email;
}

describe('sessions and the account in a real browser', () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    e = await startE2E();
    context = await newContext(e.browser, e.h.url);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });
  afterAll(() => e?.close());
  afterEach(() => {
    // The 401 that starts a transparent refresh is logged by the browser as a failed resource load.
    expect(pageErrors.filter((line) => !/401/.test(line))).toEqual([]);
  });

  it('renews an expired access token without a word, downloads the data and deletes the account', async () => {
    const email = await signUp(page);
    const first = await stored(page);
    expect(first?.refresh_token).toMatch(/^[\w-]{43}$/);

    // The access token expires (as it does after 15 minutes); the app renews it on the next call.
    const expired = await new SignJWT({ role: 'authenticated', email })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crux')
      .setAudience('authenticated')
      .setSubject(first!.user_id)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    await page.evaluate((token) => {
      const session = JSON.parse(localStorage.getItem('crux.session') ?? '{}');
      localStorage.setItem('crux.session', JSON.stringify({ ...session, token }));
    }, expired);
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    const renewed = await stored(page);
    expect(renewed?.token).not.toBe(expired);
    expect(renewed?.refresh_token).not.toBe(first!.refresh_token);
    await expectAccessible(page, 'settings-account');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('crux-account.json');
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { account: { email: string } };
    expect(data.account.email).toBe(email);

    await page.getByRole('button', { name: 'Delete account' }).click();
    const confirm = page.getByRole('button', { name: 'Delete my account permanently' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel('Type DELETE to confirm').fill('DELETE');
    await confirm.click();
    await page.waitForURL('**/sign-in');
    expect(await stored(page)).toBeNull();
    expect((await e.h.request('/v1/profile', { token: renewed!.token })).status).toBe(401);
  }, 120_000);

  it('signs out by revoking the refresh token', async () => {
    await signUp(page);
    const session = await stored(page);
    await page.goto('/logbook');
    const [logout] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/v1/auth/logout')),
      page.getByRole('button', { name: /Sign out/ }).click(),
    ]);
    expect(logout.status()).toBe(204);
    await page.waitForURL('**/sign-in');
    const refresh = await e.h.request('/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: session!.refresh_token },
    });
    expect(refresh.status).toBe(401);
  }, 120_000);

  it('changes the password: a wrong current one is said and keeps the session, the right one ends other sessions', async () => {
    const email = await signUp(page);
    const other = await e.h.request('/v1/auth/login', {
      method: 'POST',
      json: { email, password: 'correct horse battery' },
    });
    const otherDevice = (await other.json()) as { refresh_token: string };

    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Password' }).waitFor();
    const change = page.getByRole('button', { name: 'Change password' });
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a whole new password');
    await change.click();
    await page.getByText('The current password is wrong.').waitFor();
    expect(page.url()).toMatch(/\/settings$/);
    await screenshots(page, 'settings-password-wrong');

    await page.getByLabel('Current password').fill('correct horse battery');
    await change.click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    expect(await page.getByLabel('Current password').inputValue()).toBe('');
    await expectAccessible(page, 'settings-password');
    // The other device's session ended; this tab goes on with its renewed pair.
    const refused = await e.h.request('/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: otherDevice.refresh_token },
    });
    expect(refused.status).toBe(401);
    const renewed = await stored(page);
    expect((await e.h.request('/v1/profile', { token: renewed!.token })).status).toBe(200);
    const login = await e.h.request('/v1/auth/login', {
      method: 'POST',
      json: { email, password: 'a whole new password' },
    });
    expect(login.status).toBe(200);
  }, 120_000);
});
