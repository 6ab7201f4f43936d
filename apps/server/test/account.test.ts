import { accountExportSchema } from '@crux/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const aClimb = {
  location: 'Bas Cuvier',
  climb_type: 'boulder',
  grade_scale: 'font',
  grade_value: '6b+',
  outcome: 'Fail',
  awkwardness: 4,
  style: ['Slab'],
  failure_reasons: ['Bad Feet'],
  notes: 'Slipped off the smear twice',
};

interface Climber {
  token: string;
  refresh: string;
  id: string;
  email: string;
}

describe('account export and deletion', () => {
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness();
    const operator = await h.signup();
    await h.server.db.query('insert into admin_grants (user_id) values ($1)', [operator.userId]);
    admin = operator.token;
  });
  afterAll(() => h.close());

  /** A climber with a climb, a profile, two chat messages, a recommendation and their ledger rows. */
  const activeClimber = async (tag: string): Promise<Climber> => {
    const email = `${tag}-${Date.now()}@example.com`;
    const signup = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email, password: 'correct horse battery' },
    });
    const session = (await signup.json()) as { token: string; refresh_token: string; user: { id: string } };
    const token = session.token;
    expect(
      (await h.request('/v1/climbs', { method: 'POST', token, json: { ...aClimb, notes: tag } })).status,
    ).toBe(201);
    await h.request('/v1/profile', { method: 'PUT', token, json: { home_gym: `${tag} gym` } });
    expect((await h.chat(token, `How do I stop slipping, ${tag}?`)).status).toBe(200);
    expect((await h.request('/v1/coach/recommendations', { method: 'POST', token, json: {} })).status).toBe(
      200,
    );
    return { token, refresh: session.refresh_token, id: session.user.id, email };
  };

  const exportOf = async (token: string) => {
    const response = await h.request('/v1/account/export', { token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/attachment/);
    return accountExportSchema.parse(await response.json());
  };

  it("exports exactly the caller's rows, and no one else's", async () => {
    const [ana, ben] = [await activeClimber('ana'), await activeClimber('ben')];
    await h.server.background.idle();
    const data = await exportOf(ana.token);
    expect(data.account).toMatchObject({ id: ana.id, email: ana.email, issuer: 'crux' });
    expect(data.profile.home_gym).toBe('ana gym');
    expect(data.climbs.map((c) => c.notes)).toEqual(['ana']);
    expect(data.chat_messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(data.chat_messages[0]!.content).toContain('ana');
    expect(data.recommendations).toHaveLength(1);
    const ledger = await h.server.db.query<{ id: string }>('select id from api_usage where user_id = $1', [
      ana.id,
    ]);
    expect(data.usage.map((row) => row.id).sort()).toEqual(ledger.map((row) => row.id).sort());
    expect(JSON.stringify(data)).not.toContain(ben.id);
    expect(JSON.stringify(data)).not.toContain('ben');
  }, 120_000);

  it('deletes the personal data, keeps the ledger totals, and refuses the old tokens', async () => {
    const cleo = await activeClimber('cleo');
    const other = await activeClimber('dan');
    const totalsBefore = await (await h.request('/v1/admin/usage', { token: admin })).json();
    const ledgerBefore = await h.server.db.query<{ n: number; cost: string }>(
      'select count(*)::int as n, sum(cost_usd)::text as cost from api_usage where user_id = $1',
      [cleo.id],
    );

    const deleted = await h.request('/v1/account', { method: 'DELETE', token: cleo.token });
    expect(deleted.status).toBe(204);

    // Every token of the account stops working: access (at once on this instance) and refresh.
    const after = await h.request('/v1/profile', { token: cleo.token });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const refresh = await h.request('/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: cleo.refresh },
    });
    expect(refresh.status).toBe(401);
    const login = await h.request('/v1/auth/login', {
      method: 'POST',
      json: { email: cleo.email, password: 'correct horse battery' },
    });
    expect(login.status).toBe(401);

    const db = h.server.db;
    for (const table of [
      'climbs',
      'chat_messages',
      'recommendations',
      'profiles',
      'refresh_tokens',
      'idempotency_keys',
      'daily_counters',
    ]) {
      const rows = await db.query(`select 1 from ${table} where user_id = $1`, [cleo.id]);
      expect(rows, table).toHaveLength(0);
    }
    const [tombstone] = await db.query<Record<string, unknown>>(
      'select email, password_hash, deleted_at is not null as deleted from users where id = $1',
      [cleo.id],
    );
    expect(tombstone).toEqual({ email: null, password_hash: null, deleted: true });
    // The ledger rows stay, detached from the person (the account row holds nothing personal).
    const ledgerAfter = await db.query<{ n: number; cost: string }>(
      'select count(*)::int as n, sum(cost_usd)::text as cost from api_usage where user_id = $1',
      [cleo.id],
    );
    expect(ledgerAfter).toEqual(ledgerBefore);
    const totalsAfter = (await (await h.request('/v1/admin/usage', { token: admin })).json()) as {
      total: unknown;
    };
    expect(totalsAfter.total).toEqual((totalsBefore as { total: unknown }).total);

    // The e-mail is free again; the other climber is untouched; deleting twice is refused (401).
    const again = await h.request('/v1/auth/signup', {
      method: 'POST',
      json: { email: cleo.email, password: 'another password' },
    });
    expect(again.status).toBe(201);
    expect((await exportOf(other.token)).climbs).toHaveLength(1);
    expect((await h.request('/v1/account', { method: 'DELETE', token: cleo.token })).status).toBe(401);
  }, 120_000);
});
