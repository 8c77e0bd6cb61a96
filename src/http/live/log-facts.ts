import type { Currency } from '../../domain/money/currency.js';
import { SYSTEM_ACCOUNT_TYPES } from '../../domain/accounts/events.js';
import { ofTypes } from '../../eventstore/bank-events.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { accountOfStream } from '../../domain/accounts/sub-streams.js';

export interface AccountFacts {
  owner_id: string;
  currency: Currency;
  /** A bank account (cash, fees, FX, biller): nobody is notified about it. */
  system: boolean;
}

export interface CardFacts {
  owner_id: string;
  account_number: string;
  last4: string;
}

const MAX_ENTRIES = 100_000;
const openings = ofTypes(['AccountOpened', 'CardIssued']);

/**
 * Who owns an account or a card, read from the first event of its own stream
 * (AccountOpened, CardIssued) and remembered: an owner never changes. What
 * the live feed sees being opened is remembered without a read. Absent
 * (undefined) when the stream has no such first event.
 */
export class LogFacts {
  private readonly accounts = new Map<string, Promise<AccountFacts | undefined>>();
  private readonly cards = new Map<string, Promise<CardFacts | undefined>>();

  constructor(private readonly store: EventStore) {}

  account(accountNumber: string): Promise<AccountFacts | undefined> {
    return this.cached(this.accounts, accountNumber, async () => accountFacts((await this.first(`account-${accountNumber}`))));
  }

  card(cardId: string): Promise<CardFacts | undefined> {
    return this.cached(this.cards, cardId, async () => cardFacts(await this.first(`card-${cardId}`)));
  }

  /** Remembers the owner an event names (AccountOpened, CardIssued) without reading its stream. */
  learn(e: RecordedEvent): void {
    if (e.type === 'AccountOpened' && e.revision === 0n) this.remember(this.accounts, accountOfStream(e.stream_id), accountFacts(e));
    else if (e.type === 'CardIssued' && e.revision === 0n) this.remember(this.cards, e.stream_id.slice('card-'.length), cardFacts(e));
  }

  private async first(stream: string): Promise<RecordedEvent | undefined> {
    return (await this.store.readStream(stream, { from: 0n, max: 1 }))[0];
  }

  private cached<T>(map: Map<string, Promise<T | undefined>>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = map.get(key);
    if (hit) return hit;
    const loading = load();
    this.remember(map, key, undefined, loading);
    // Neither a failed read nor a stream not written yet is kept: the next event asks again.
    loading.then((v) => v === undefined && map.delete(key), () => map.delete(key));
    return loading;
  }

  private remember<T>(map: Map<string, Promise<T | undefined>>, key: string, value: T | undefined, promise?: Promise<T | undefined>): void {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, promise ?? Promise.resolve(value));
  }
}

function accountFacts(recorded: RecordedEvent | undefined): AccountFacts | undefined {
  const [e] = openings(recorded ? [recorded] : []);
  if (e?.type !== 'AccountOpened') return undefined;
  return { owner_id: e.data.owner_id, currency: e.data.currency, system: (SYSTEM_ACCOUNT_TYPES as readonly string[]).includes(e.data.type) };
}

function cardFacts(recorded: RecordedEvent | undefined): CardFacts | undefined {
  const [e] = openings(recorded ? [recorded] : []);
  if (e?.type !== 'CardIssued') return undefined;
  return { owner_id: e.data.owner_id, account_number: e.data.account_number, last4: e.data.last4 };
}
