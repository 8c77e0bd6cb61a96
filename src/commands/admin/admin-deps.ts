import type { EventStore } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';

/** What staff actions use: the aggregates, the store's head, and the admin read model once caught up. */
export interface AdminDeps {
  repo: AggregateRepository;
  store: EventStore;
  db: Queryable;
  readModels: { waitForPosition(position: bigint, timeoutMs: number): Promise<boolean> };
}
