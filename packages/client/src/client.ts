import type {
  AccountExport,
  AdminUsage,
  AdminUsageQuery,
  AuthConfig,
  ChatMessage,
  Climb,
  ClimbList,
  ClimbPatchInput,
  GeneratedRecommendation,
  Health,
  ImportReport,
  ListClimbsQuery,
  LoginRequest,
  ModelInfo,
  NewClimbInput,
  PasswordChange,
  Patterns,
  Profile,
  ProfileUpdate,
  Recommendation,
  Session,
  SignupRequest,
  UsageLimits,
  UsageQuery,
  UsageRecords,
  UsageRecordsQuery,
  UsageSummary,
  Vocabulary,
} from '@crux/contracts';
import { type ChatStreamOptions, sendChat, streamChat } from './chat-stream.ts';
import { CruxApiError } from './errors.ts';
import { type CruxClientOptions, Http } from './http.ts';

const idempotency = (key: string | undefined) => (key ? { 'idempotency-key': key } : undefined);
const climbPath = (id: string) => `/v1/climbs/${encodeURIComponent(id)}`;

/**
 * A typed client for the Crux API.
 * @example
 * const crux = createCruxClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const session = await crux.auth.login({ email, password });
 * // Renews the 15-minute access token by itself (store the pairs `onSession` receives to survive a restart).
 * const signedIn = crux.withSession(session, { onSession: (next) => save(next) });
 * for await (const event of signedIn.chat.stream('How do I stop slipping on slab?')) …
 */
export function createCruxClient(options: CruxClientOptions) {
  const http = new Http(options);
  return {
    auth: {
      signup: (body: SignupRequest) => http.json<Session>('POST', '/v1/auth/signup', { json: body }),
      login: (body: LoginRequest) => http.json<Session>('POST', '/v1/auth/login', { json: body }),
      /** A new pair for a refresh token (which is spent: use the returned one next time). */
      refresh: (refreshToken: string) =>
        http.json<Session>('POST', '/v1/auth/refresh', { json: { refresh_token: refreshToken } }),
      /** Signs out: revokes the refresh token and every token renewed from the same sign-in. */
      logout: (refreshToken: string) =>
        http.empty('POST', '/v1/auth/logout', { json: { refresh_token: refreshToken } }),
      /** Changes the password; every other session of the account ends. Returns the new session. */
      changePassword: (body: PasswordChange) =>
        http.json<Session>('PUT', '/v1/auth/password', { json: body }),
      /** How to sign in: the Supabase project's URL and anon key when the server uses Supabase Auth. */
      config: () => http.json<AuthConfig>('GET', '/v1/auth/config'),
    },
    account: {
      /** Everything Crux holds about the caller. */
      export: () => http.json<AccountExport>('GET', '/v1/account/export'),
      /** Deletes the account: personal data gone, the account's tokens refused from now on. */
      delete: () => http.empty('DELETE', '/v1/account'),
    },
    profile: {
      get: () => http.json<Profile>('GET', '/v1/profile'),
      update: (changes: ProfileUpdate) => http.json<Profile>('PUT', '/v1/profile', { json: changes }),
    },
    vocabulary: () => http.json<Vocabulary>('GET', '/v1/vocabulary'),
    climbs: {
      list: (query: ListClimbsQuery = {}) => http.json<ClimbList>('GET', '/v1/climbs', { query }),
      create: (climb: NewClimbInput, opts: { idempotencyKey?: string } = {}) =>
        http.json<Climb>('POST', '/v1/climbs', { json: climb, headers: idempotency(opts.idempotencyKey) }),
      get: (id: string) => http.json<Climb>('GET', climbPath(id)),
      update: (id: string, patch: ClimbPatchInput) =>
        http.json<Climb>('PATCH', climbPath(id), { json: patch }),
      delete: (id: string) => http.empty('DELETE', climbPath(id)),
      /** The whole logbook as file content (CSV text, or JSON text `{climbs: [...]}`). */
      export: (format: 'csv' | 'json') => http.text('GET', '/v1/climbs/export', { query: { format } }),
      importCsv: (csv: string) =>
        http.json<ImportReport>('POST', '/v1/climbs/import', {
          text: { body: csv, contentType: 'text/csv' },
        }),
    },
    coach: {
      patterns: () => http.json<Patterns>('GET', '/v1/coach/patterns'),
      generate: (opts: { idempotencyKey?: string } = {}) =>
        http.json<GeneratedRecommendation>('POST', '/v1/coach/recommendations', {
          json: {},
          headers: idempotency(opts.idempotencyKey),
        }),
      /** The newest recommendation, or `null` when there is none yet. */
      latest: async (): Promise<{ recommendation: Recommendation } | null> => {
        try {
          return await http.json<{ recommendation: Recommendation }>(
            'GET',
            '/v1/coach/recommendations/latest',
          );
        } catch (error) {
          if (error instanceof CruxApiError && error.status === 404) return null;
          throw error;
        }
      },
    },
    chat: {
      stream: (message: string, opts?: ChatStreamOptions) => streamChat(http, message, opts),
      send: (message: string, opts?: ChatStreamOptions) => sendChat(http, message, opts),
      messages: (query: { limit?: number } = {}) =>
        http.json<{ messages: ChatMessage[] }>('GET', '/v1/chat/messages', { query }),
      clear: () => http.empty('DELETE', '/v1/chat/messages'),
    },
    usage: {
      summary: (query: UsageQuery = {}) => http.json<UsageSummary>('GET', '/v1/usage', { query }),
      limits: () => http.json<UsageLimits>('GET', '/v1/usage/limits'),
      records: (query: UsageRecordsQuery = {}) =>
        http.json<UsageRecords>('GET', '/v1/usage/records', { query }),
    },
    admin: {
      usage: (query: AdminUsageQuery = {}) => http.json<AdminUsage>('GET', '/v1/admin/usage', { query }),
    },
    model: () => http.json<ModelInfo>('GET', '/v1/model'),
    health: () => http.json<Health>('GET', '/healthz'),
    /** The same client, signed in with another token. */
    withToken: (token: string) => createCruxClient({ ...options, token, refreshToken: undefined }),
    /** The same client, signed in with a session: a refused access token is renewed with its refresh token. */
    withSession: (
      session: Pick<Session, 'token' | 'refresh_token'>,
      more: Pick<CruxClientOptions, 'onSession' | 'onUnauthorized'> = {},
    ) => createCruxClient({ ...options, ...more, token: session.token, refreshToken: session.refresh_token }),
  };
}

export type CruxClient = ReturnType<typeof createCruxClient>;
