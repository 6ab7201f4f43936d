import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support/app.ts';
import { collectPageErrors, expectAccessible, newContext, screenshots } from './support/browser.ts';

interface ClimbEntry {
  grade: string;
  outcome: 'Sent' | 'Fail';
  reasons?: string[];
  styles?: string[];
  hold?: string;
}

const CLIMBS: ClimbEntry[] = [
  { grade: '6A', outcome: 'Fail', reasons: ['Bad Feet', 'Fear'], styles: ['Slab'], hold: 'red' },
  { grade: '6A+', outcome: 'Sent', styles: ['Overhang'] },
  { grade: '6B', outcome: 'Fail', reasons: ['Bad Feet'], styles: ['Slab', 'Crimp'], hold: 'blue' },
  { grade: '5+', outcome: 'Sent', styles: ['Vert'] },
  { grade: '6B+', outcome: 'Fail', reasons: ['Power'], styles: ['Overhang'] },
];

const climbCards = (page: Page) => page.locator('.climb-list > li');

async function logClimb(page: Page, climb: ClimbEntry) {
  const form = page.getByRole('form', { name: 'Log climb' });
  await form.getByLabel('Grade', { exact: true }).selectOption(climb.grade);
  await form.getByRole('radio', { name: climb.outcome, exact: true }).check();
  for (const reason of climb.reasons ?? []) await form.getByRole('checkbox', { name: reason }).check();
  for (const style of climb.styles ?? []) await form.getByRole('checkbox', { name: style }).check();
  if (climb.hold) await form.getByRole('radio', { name: climb.hold, exact: true }).check();
  await form.getByRole('button', { name: 'Log climb' }).click();
}

describe('the logbook in a real browser', () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let pageErrors: string[] = [];
  const listed = async () =>
    (
      (await (await e.h.request('/v1/climbs', { token })).json()) as {
        climbs: Array<Record<string, unknown>>;
      }
    ).climbs;

  beforeAll(async () => {
    e = await startE2E();
    context = await newContext(e.browser, e.h.url);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });
  afterAll(() => e?.close());
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('signs up, sets up, logs 5 climbs, marks one as sent and edits one', async () => {
    const email = `climber-${randomUUID()}@example.com`;

    await page.goto('/');
    await page.waitForURL('**/sign-in');
    await page.getByRole('heading', { name: 'Sign in to Crux' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshots(page, 'sign-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await expectAccessible(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL('**/setup');
    await page.getByRole('radio', { name: 'Bouldering' }).check();
    await page.getByRole('radio', { name: 'Font' }).check();
    await page.getByRole('checkbox', { name: 'red' }).check();
    await page.getByRole('checkbox', { name: 'blue' }).check();
    await page.getByLabel('Home gym').fill('Boulder Lab');
    await expectAccessible(page, 'setup');
    await screenshots(page, 'setup');
    await page.getByRole('button', { name: 'Save and start logging' }).click();

    await page.waitForURL('**/logbook');
    await page.getByRole('heading', { name: 'Log a climb' }).waitFor();
    await expect.poll(() => page.getByLabel('Location').inputValue()).toBe('Boulder Lab');
    for (const [index, climb] of CLIMBS.entries()) {
      await logClimb(page, climb);
      await expect.poll(() => climbCards(page).count()).toBe(index + 1);
    }
    token = await page.evaluate(() => JSON.parse(localStorage.getItem('crux.session') ?? '{}').token);
    expect((await listed()).map((c) => c.grade_value)).toEqual(['6B+', '5+', '6B', '6A+', '6A']);
    const first = (await listed()).find((c) => c.grade_value === '6A');
    expect(first).toMatchObject({
      location: 'Boulder Lab',
      hold_color: 'red',
      failure_reasons: ['Bad Feet', 'Fear'],
    });

    // Newest first, with hold colour badges.
    await expect.poll(() => climbCards(page).first().textContent()).toContain('6B+');
    await expect.poll(() => climbCards(page).last().textContent()).toContain('red');
    await expectAccessible(page, 'logbook');
    await screenshots(page, 'logbook');

    // Mark as sent records the redemption.
    const failed6A = climbCards(page).filter({ hasText: '6A' }).filter({ hasText: 'Fail' }).last();
    await failed6A.getByRole('button', { name: 'Mark as sent' }).click();
    await climbCards(page).last().getByText('Redeemed').waitFor();
    const redeemed = (await listed()).find((c) => c.grade_value === '6A');
    expect(redeemed).toMatchObject({ outcome: 'Sent', redemption_at: expect.any(String) });

    // Edit in place.
    await climbCards(page).first().getByRole('button', { name: 'Edit 6B+ boulder' }).click();
    await page.getByRole('form', { name: 'Save changes' }).getByLabel('Notes').fill('Lost the heel hook');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await climbCards(page).first().getByText('Lost the heel hook').waitFor();
  });

  it('filters the list by outcome', async () => {
    await page.getByLabel('Show outcome').selectOption('Fail');
    await expect.poll(() => climbCards(page).count()).toBe(2);
    await page.getByLabel('Show outcome').selectOption('');
    await expect.poll(() => climbCards(page).count()).toBe(5);
  });

  it('keeps a climb logged offline in IndexedDB, loads the app offline, and sends it once', async () => {
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Log a climb' }).waitFor();
    // The list cannot load offline: said so, not an endless "Loading…" (the browser may still
    // think it is online, as Chromium does here after a reload: then the failed fetch says it).
    await page
      .getByRole('region', { name: 'Your climbs' })
      .getByText(/when you are back online|No connection to Crux/)
      .waitFor();
    await logClimb(page, { grade: '7A', outcome: 'Fail', reasons: ['Finger Strength'] });
    await page.getByTestId('waiting-badge').getByText('1 waiting').waitFor();
    await page.getByText('will be sent when you are back online').waitFor();
    await screenshots(page, 'logbook-offline');
    await context.setOffline(false);
    await page.getByTestId('waiting-badge').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => climbCards(page).first().textContent()).toContain('7A');
    await e.h.settled();
    expect((await listed()).filter((c) => c.grade_value === '7A')).toHaveLength(1);
    expect(await listed()).toHaveLength(6);
  });

  it('exports the logbook as CSV and imports a CSV with a report of refused rows', async () => {
    await page.getByText('Export or import').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('crux-logbook.csv');
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toContain('grade_value');
    expect(csv).toHaveLength(7);

    const upload =
      'outcome,grade_value,grade_scale,climb_type,location\nSent,V3,v_scale,boulder,Gym\nMaybe,V3,v_scale,boulder,Gym\n';
    await page
      .getByLabel(/Import a CSV/)
      .setInputFiles({ name: 'climbs.csv', mimeType: 'text/csv', buffer: Buffer.from(upload) });
    const report = page.locator('.import-report');
    await report.getByText('Imported 1 climb; refused 1 row').waitFor();
    expect(await report.textContent()).toContain('Row 3');
    expect(await listed()).toHaveLength(7);
    await expectAccessible(page, 'logbook with import report');
  });

  it('sends an expired or revoked session to sign-in', async () => {
    const context = await newContext(e.browser, e.h.url);
    await context.addInitScript(() =>
      localStorage.setItem(
        'crux.session',
        JSON.stringify({ token: 'not-a-valid-token', email: 'x@example.com' }),
      ),
    );
    const page = await context.newPage();
    await page.goto('/logbook');
    await page.waitForURL('**/sign-in');
    await page.getByText('Your session ended').waitFor();
    await context.close();
  });
});
