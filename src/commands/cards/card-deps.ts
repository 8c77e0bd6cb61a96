import type { AggregateRepository } from '../shared/aggregate-repository.js';

export interface CardDeps {
  repo: AggregateRepository;
  /** HMAC key for card numbers (see card-numbers.ts). */
  panKey: Buffer;
}
