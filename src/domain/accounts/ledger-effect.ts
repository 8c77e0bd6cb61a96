import type { AccountEvent, TransferKind } from './events.js';

/** An open hold on an account, named by its transfer. Amounts in minor units. */
export interface Hold {
  /** Taken from the available balance: the transfer's amount plus its fee. */
  total: bigint;
  kind: TransferKind;
  counterparty_account: string;
  expires_at: string;
}

/** The money side of an account: its ledger balance and its open holds. */
export interface Ledger {
  balance: bigint;
  holds: Record<string, Hold>;
}

/** What one event does to a ledger: a balance change and at most one hold placed or closed. */
export interface LedgerEffect {
  balance: bigint;
  hold: { place: string; hold: Hold } | { close: string } | null;
}

const NOTHING: LedgerEffect = { balance: 0n, hold: null };

function unhandled(event: never): never {
  throw new Error(`no ledger effect for event ${(event as { type: string }).type}`);
}

/**
 * The one definition of what an account event does to the balance and to the
 * held amount, from the amounts it carries (never from its `balance_after`).
 * The decider's state and the auditors' replay both fold it, so they cannot
 * disagree; the switch is exhaustive, so a new event type does not compile
 * until it is given an effect here.
 */
export function ledgerEffect(event: AccountEvent): LedgerEffect {
  switch (event.type) {
    case 'AccountOpened':
    case 'AccountFrozen':
    case 'AccountUnfrozen':
    case 'AccountClosed':
    case 'CreditRefused':
      return NOTHING;
    case 'FundsDeposited':
    case 'AccountCredited':
    case 'DebitReversed':
    case 'FxPositionPosted':
      return { balance: BigInt(event.data.amount), hold: null };
    case 'AccountDebited': {
      const total = BigInt(event.data.amount) + BigInt(event.data.fee);
      return { balance: -total, hold: event.data.from_reservation ? { close: event.data.transfer_id } : null };
    }
    case 'FundsHeld': {
      const d = event.data;
      const hold: Hold = { total: BigInt(d.amount) + BigInt(d.fee), kind: d.kind, counterparty_account: d.counterparty_account, expires_at: d.expires_at };
      return { balance: 0n, hold: { place: d.transfer_id, hold } };
    }
    case 'HoldReleased':
      return { balance: 0n, hold: { close: event.data.transfer_id } };
    default:
      return unhandled(event);
  }
}

/** The ledger after an effect. */
export function applyLedgerEffect<L extends Ledger>(ledger: L, effect: LedgerEffect): L {
  const balance = ledger.balance + effect.balance;
  const change = effect.hold;
  if (change === null) return effect.balance === 0n ? ledger : { ...ledger, balance };
  if ('place' in change) return { ...ledger, balance, holds: { ...ledger.holds, [change.place]: change.hold } };
  const { [change.close]: _closed, ...open } = ledger.holds;
  return { ...ledger, balance, holds: open };
}

/** Everything held by open holds. */
export function heldTotal(ledger: Ledger): bigint {
  let sum = 0n;
  for (const hold of Object.values(ledger.holds)) sum += hold.total;
  return sum;
}

/** What can be spent now: the balance less every open hold. */
export function availableBalance(ledger: Ledger): bigint {
  return ledger.balance - heldTotal(ledger);
}
