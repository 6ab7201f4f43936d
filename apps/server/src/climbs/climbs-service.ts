import { randomUUID } from 'node:crypto';
import type { ClimbPatch, NewClimb } from '@crux/contracts';
import { fingerprintOf, type IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { AppError } from '../shared/errors.ts';
import { toClimbValues } from './climb-values.ts';
import type { Climb, ClimbsRepo } from './climbs-repo.ts';

/** The logbook's rules over the repository: grades checked per scale, patches merged, retries deduplicated. */
export class ClimbsService {
  constructor(
    private readonly repo: ClimbsRepo,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * Logs a climb. With an `Idempotency-Key` (offline sync sends each climb once per key), a
   * repeat by the same user within 24 h returns the stored climb without inserting; the same
   * key with a different climb is a 409. Concurrent repeats wait and get the one climb.
   */
  async create(userId: string, input: NewClimb, key?: string): Promise<Climb> {
    const values = toClimbValues(input);
    if (key === undefined) return this.repo.create(userId, values);
    const scope = {
      userId,
      endpoint: 'climbs' as const,
      key,
      requestId: randomUUID(),
      fingerprint: fingerprintOf(input),
    };
    const { result } = await this.idempotency.onceInTransaction(scope, (tx) =>
      this.repo.create(userId, values, tx),
    );
    return result;
  }

  async update(userId: string, id: string, patch: ClimbPatch): Promise<Climb> {
    const existing = await this.get(userId, id);
    const { id: _id, created_at, grade_rank: _rank, ...current } = existing;
    const merged = { ...current, created_at, ...patch };
    const updated = await this.repo.replace(userId, id, toClimbValues(merged));
    if (!updated) throw notFound();
    return updated;
  }

  async get(userId: string, id: string): Promise<Climb> {
    const climb = isUuid(id) ? await this.repo.get(userId, id) : undefined;
    if (!climb) throw notFound();
    return climb;
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.repo.delete(userId, id))) throw notFound();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string) => UUID.test(id);
const notFound = () => new AppError('not_found', 'No climb with this id in your logbook.');
