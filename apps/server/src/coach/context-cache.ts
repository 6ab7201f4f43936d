import type { Db } from '../db/types.ts';
import type { ChatClimber, ClimberContext } from './climber-context.ts';

/** A climber's chat context and the version of their climbs and profile it was built from. */
export interface VersionedClimber {
  /** `climber_context_versions.version` (bigint as text) when the context was read. */
  version: string;
  climber: ChatClimber;
}

/** Users kept at most; the least recently used leave first. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The climber's chat context (scrubbed profile text, patterns summary) per user, kept in memory.
 * Every write to a user's climbs or profile bumps their version in the same transaction (a
 * trigger); the chat's one round trip checks the cached version, so a copy made stale by any
 * instance costs one reload, never a wrong prompt.
 */
export class ClimberContextCache {
  private readonly entries = new Map<string, VersionedClimber>();

  constructor(
    private readonly db: Db,
    private readonly context: ClimberContext,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  /** The cached context, or a fresh one read from the database. */
  async get(userId: string): Promise<VersionedClimber> {
    const cached = this.entries.get(userId);
    if (!cached) return this.load(userId);
    this.entries.delete(userId); // most recently used goes last
    this.entries.set(userId, cached);
    return cached;
  }

  /**
   * Reads the version, then the context: the context is at least as new as the version it is
   * stored with, so a write in between shows up as a stale version on the next turn.
   */
  async load(userId: string): Promise<VersionedClimber> {
    const [row] = await this.db.query<{ version: string }>(
      `select coalesce((select version from climber_context_versions where user_id = $1), 0)::text as version`,
      [userId],
    );
    const entry: VersionedClimber = {
      version: row?.version ?? '0',
      climber: await this.context.forChat(userId),
    };
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  invalidate(userId: string): void {
    this.entries.delete(userId);
  }
}
