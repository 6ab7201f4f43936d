export type TokenSource = string | (() => string | null | undefined);

export const readSource = (source: TokenSource | undefined): string | undefined =>
  (typeof source === 'function' ? source() : source) ?? undefined;

/** An access token and the refresh token that renews it. */
export interface TokenPair {
  token: string;
  refresh_token: string;
}

export interface RenewalOptions {
  token?: TokenSource | undefined;
  /** The refresh token: with it, a 401 is answered by one refresh and one retry. */
  refreshToken?: TokenSource | undefined;
  /** Receives each pair a refresh returns (Crux's refresh answers a whole `Session`); store it, the old refresh token is spent. */
  onSession?: ((session: TokenPair) => void) | undefined;
  /**
   * Renews with another sign-in service (e.g. Supabase Auth) instead of Crux's `POST /v1/auth/refresh`
   * (passed in as `crux`); null when refused.
   */
  refreshSession?:
    | ((
        refreshToken: string,
        crux: (refreshToken: string) => Promise<TokenPair | null>,
      ) => Promise<TokenPair | null>)
    | undefined;
  /** Runs each refresh inside a lock shared with other holders of the same tokens (e.g. other tabs). */
  serializeRefresh?: (<T>(work: () => Promise<T>) => Promise<T>) | undefined;
}

/**
 * The client's tokens, renewed with the refresh token when the access token is refused. One
 * refresh at a time (a refresh token is single use: a second, concurrent use would count as a
 * reuse and revoke the sign-in), and none when another caller already renewed the refused token.
 */
export class SessionRenewal {
  /** The last pair a refresh returned, and the access token it replaced. */
  private latest: { replaced: string; token: string; refreshToken: string } | undefined;
  private renewing: Promise<boolean> | undefined;

  constructor(
    private readonly options: RenewalOptions,
    private readonly refresh: (refreshToken: string) => Promise<TokenPair | null>,
  ) {}

  token(): string | undefined {
    const token = readSource(this.options.token);
    return this.latest && token === this.latest.replaced ? this.latest.token : token;
  }

  private refreshToken(): string | undefined {
    const token = readSource(this.options.token);
    if (this.latest && token === this.latest.replaced) return this.latest.refreshToken;
    return readSource(this.options.refreshToken);
  }

  get canRenew(): boolean {
    return this.options.refreshToken !== undefined;
  }

  /** Renews the refused `token`; true when a call may be retried with `token()`. */
  renew(refused: string): Promise<boolean> {
    this.renewing ??= this.serialized(async () => {
      const current = this.token();
      if (current && current !== refused) return true;
      const refreshToken = this.refreshToken();
      if (!refreshToken) return false;
      const session = this.options.refreshSession
        ? await this.options.refreshSession(refreshToken, this.refresh)
        : await this.refresh(refreshToken);
      if (!session) return false;
      this.latest = { replaced: refused, token: session.token, refreshToken: session.refresh_token };
      this.options.onSession?.(session);
      return true;
    }).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private serialized(work: () => Promise<boolean>): Promise<boolean> {
    return this.options.serializeRefresh ? this.options.serializeRefresh(work) : work();
  }
}
