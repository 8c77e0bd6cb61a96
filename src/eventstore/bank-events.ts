import type { BankEventOf, BankEventType } from '../domain/events.js';
import type { RecordedEvent } from './port.js';

/**
 * A recorded event of the bank, typed by its type: `BankRecordedEvent<'FundsHeld'>`
 * has FundsHeld's payload; without an argument, any of the bank's events.
 */
export type BankRecordedEvent<T extends BankEventType = BankEventType> = RecordedEvent<BankEventOf<T>>;

/**
 * Picks the events of `types` out of a batch, in order, typed by their type.
 * The one place a stored event becomes typed: the log holds only the domain's
 * events (commands append them from the BankEvent union), so an event's type
 * names its payload, and members that older events lack are optional in the
 * union. A reader that declares the types it handles reads through this.
 */
export function ofTypes<T extends BankEventType>(types: readonly T[]): (events: readonly RecordedEvent[]) => BankRecordedEvent<T>[] {
  const wanted: ReadonlySet<string> = new Set(types);
  return (events) => {
    const out: BankRecordedEvent<T>[] = [];
    for (const event of events) if (wanted.has(event.type)) out.push(event as unknown as BankRecordedEvent<T>);
    return out;
  };
}
