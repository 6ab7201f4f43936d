import { randomUUID } from 'node:crypto';
import type { Climb, ClimbType, Outcome } from '@crux/contracts';
import { CURSOR_AT, olderThan, pageOf } from '../db/page-cursor.ts';
import type { Db, Queryable } from '../db/types.ts';

/** A climb as the API returns it (the contract's shape). */
export type { Climb };

export interface ListOptions {
  limit: number;
  /** The previous page's `next_before` (an opaque cursor). */
  before?: string | undefined;
  outcome?: Outcome | undefined;
  climb_type?: ClimbType | undefined;
}

export interface ClimbPage {
  climbs: Climb[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next_before?: string;
}

export type ClimbValues = Omit<Climb, 'id' | 'created_at'> & { created_at?: string | undefined };

const ISO = (column: string) => `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const COLUMNS = `id, location, climb_type, grade_scale, grade_value, grade_rank::float8 as grade_rank, outcome,
  awkwardness, style, failure_reasons, notes, hold_color, ${ISO('redemption_at')} as redemption_at,
  ${ISO('created_at')} as created_at`;

/** Climbs, always scoped to their owner: another user's id simply is not found. */
export class ClimbsRepo {
  constructor(private readonly db: Db) {}

  /** Inserts one climb; `db` may be an open transaction. */
  async create(userId: string, climb: ClimbValues, db: Queryable = this.db): Promise<Climb> {
    const [row] = await db.query<Climb>(
      `insert into climbs (id, user_id, location, climb_type, grade_scale, grade_value, grade_rank, outcome,
         awkwardness, style, failure_reasons, notes, hold_color, redemption_at, created_at)
       values ${placeholders(0)}
       returning ${COLUMNS}`,
      rowParams(userId, climb),
    );
    return row!;
  }

  /** Inserts many climbs in one transaction (all or none), a batch of rows per statement. */
  async createMany(userId: string, climbs: readonly ClimbValues[]): Promise<number> {
    await this.db.transaction(async (tx) => {
      for (let start = 0; start < climbs.length; start += INSERT_BATCH) {
        const batch = climbs.slice(start, start + INSERT_BATCH);
        await tx.query(
          `insert into climbs (id, user_id, location, climb_type, grade_scale, grade_value, grade_rank, outcome,
             awkwardness, style, failure_reasons, notes, hold_color, redemption_at, created_at)
           values ${batch.map((_, i) => placeholders(i * PARAMS_PER_ROW)).join(', ')}`,
          batch.flatMap((climb) => rowParams(userId, climb)),
        );
      }
    });
    return climbs.length;
  }

  /** The whole logbook, newest first (export). */
  all(userId: string): Promise<Climb[]> {
    return this.db.query<Climb>(
      `select ${COLUMNS} from climbs where user_id = $1 order by created_at desc, id desc`,
      [userId],
    );
  }

  /** The newest `limit` climbs. */
  async recent(userId: string, limit: number): Promise<Climb[]> {
    return (await this.page(userId, { limit })).climbs;
  }

  /**
   * One page of the logbook, newest first, optionally filtered by `outcome` and `climb_type`.
   * Paged by an opaque (created_at, id) cursor: climbs sharing a timestamp are never skipped.
   */
  async page(userId: string, options: ListOptions): Promise<ClimbPage> {
    const params: unknown[] = [userId, options.limit + 1];
    const where = ['user_id = $1'];
    if (options.before) where.push(olderThan(params, options.before));
    for (const column of ['outcome', 'climb_type'] as const) {
      if (options[column] === undefined) continue;
      params.push(options[column]);
      where.push(`${column} = $${params.length}`);
    }
    const rows = await this.db.query<Climb & { cursor_at: string }>(
      `select ${COLUMNS}, ${CURSOR_AT} from climbs where ${where.join(' and ')}
       order by created_at desc, id desc limit $2`,
      params,
    );
    const { items, next_before } = pageOf(rows, options.limit);
    return next_before ? { climbs: items, next_before } : { climbs: items };
  }

  async get(userId: string, id: string): Promise<Climb | undefined> {
    const [row] = await this.db.query<Climb>(`select ${COLUMNS} from climbs where user_id = $1 and id = $2`, [
      userId,
      id,
    ]);
    return row;
  }

  async replace(userId: string, id: string, climb: ClimbValues): Promise<Climb | undefined> {
    const [row] = await this.db.query<Climb>(
      `update climbs set location = $3, climb_type = $4, grade_scale = $5, grade_value = $6, grade_rank = $7,
         outcome = $8, awkwardness = $9, style = $10, failure_reasons = $11, notes = $12, hold_color = $13,
         redemption_at = $14, created_at = coalesce($15::timestamptz, created_at), updated_at = now()
       where user_id = $1 and id = $2
       returning ${COLUMNS}`,
      [userId, id, ...values(climb), climb.created_at ?? null],
    );
    return row;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.query('delete from climbs where user_id = $1 and id = $2 returning id', [
      userId,
      id,
    ]);
    return rows.length > 0;
  }
}

const PARAMS_PER_ROW = 15;
/** 15 parameters a row stays far below Postgres' 65,535 per statement. */
const INSERT_BATCH = 500;

/** `($n+1, …, $n+15)` for one inserted row; a missing `created_at` means now. */
function placeholders(offset: number): string {
  const p = Array.from({ length: PARAMS_PER_ROW }, (_, i) => `$${offset + i + 1}`);
  p[PARAMS_PER_ROW - 1] = `coalesce(${p[PARAMS_PER_ROW - 1]}::timestamptz, now())`;
  return `(${p.join(', ')})`;
}

function rowParams(userId: string, climb: ClimbValues): unknown[] {
  return [randomUUID(), userId, ...values(climb), climb.created_at ?? null];
}

function values(climb: ClimbValues): unknown[] {
  return [
    climb.location,
    climb.climb_type,
    climb.grade_scale,
    climb.grade_value,
    climb.grade_rank,
    climb.outcome,
    climb.awkwardness,
    climb.style,
    climb.failure_reasons,
    climb.notes,
    climb.hold_color,
    climb.redemption_at,
  ];
}
