import { randomUUID } from 'node:crypto';
import type { Climb } from '@crux/contracts';
import type { Db } from '../db/types.ts';

/** A climb as the API returns it (the contract's shape). */
export type { Climb };

export type ClimbValues = Omit<Climb, 'id' | 'created_at'> & { created_at?: string | undefined };

const ISO = (column: string) => `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const COLUMNS = `id, location, climb_type, grade_scale, grade_value, grade_rank::float8 as grade_rank, outcome,
  awkwardness, style, failure_reasons, notes, hold_color, ${ISO('redemption_at')} as redemption_at,
  ${ISO('created_at')} as created_at`;

/** Climbs, always scoped to their owner: another user's id simply is not found. */
export class ClimbsRepo {
  constructor(private readonly db: Db) {}

  async create(userId: string, climb: ClimbValues): Promise<Climb> {
    const [row] = await this.db.query<Climb>(
      `insert into climbs (id, user_id, location, climb_type, grade_scale, grade_value, grade_rank, outcome,
         awkwardness, style, failure_reasons, notes, hold_color, redemption_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, coalesce($15::timestamptz, now()))
       returning ${COLUMNS}`,
      [randomUUID(), userId, ...values(climb), climb.created_at ?? null],
    );
    return row!;
  }

  /** Newest first; `before` pages back through older climbs. */
  list(userId: string, options: { limit: number; before?: string | undefined }): Promise<Climb[]> {
    return this.db.query<Climb>(
      `select ${COLUMNS} from climbs
       where user_id = $1 and ($2::timestamptz is null or created_at < $2::timestamptz)
       order by created_at desc, id desc limit $3`,
      [userId, options.before ?? null, options.limit],
    );
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
