import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { AccountFacts, CardCommand } from './commands.js';
import type { CardEvent } from './events.js';
import { expiryFor, isExpired } from './expiry.js';
import { checkCardLimits, defaultCardLimits } from './limits.js';
import { CARD_BRAND, isNexusPan } from './pan.js';
import { evolveCard, initialCardState, type CardState } from './state.js';
import { assertOpenForUse } from '../accounts/errors.js';

// Someone else's account or card is indistinguishable from a missing one.
const accountNotFound = () => new DomainError('account_not_found', 'Account not found.', 404);
const cardNotFound = () => new DomainError('card_not_found', 'Card not found.', 404);

function ownedAccount(account: AccountFacts, caller: string): void {
  if (!account.exists || account.owner_id !== caller) throw accountNotFound();
}

function issue(command: Extract<CardCommand, { type: 'IssueCard' }>, state: CardState): CardEvent[] {
  ownedAccount(command.account, command.caller_id);
  if (state.exists) throw new DomainError('card_exists', 'Card already exists.', 409);
  assertOpenForUse(command.account);
  if (!isNexusPan(command.pan)) throw new Error('IssueCard: the generated card number is not a valid Nexus number');
  if (!/^[0-9a-f]{64}$/.test(command.pan_hash)) throw new Error('IssueCard: pan_hash must be a hex SHA-256 HMAC');
  const { currency } = command.account;
  const defaults = defaultCardLimits(currency);
  const limits = {
    daily_limit: command.daily_limit ?? defaults.daily_limit,
    monthly_limit: command.monthly_limit ?? defaults.monthly_limit,
  };
  checkCardLimits(limits, currency);
  const expiry = expiryFor(command.now);
  return [{
    type: 'CardIssued',
    data: {
      card_id: command.card_id,
      account_number: command.account.account_number,
      owner_id: command.account.owner_id,
      card_type: command.card_type,
      brand: CARD_BRAND,
      last4: command.pan.slice(-4),
      pan_hash: command.pan_hash,
      expiry_year: expiry.year,
      expiry_month: expiry.month,
      currency,
      daily_limit: limits.daily_limit.toString(),
      monthly_limit: limits.monthly_limit.toString(),
      issued_at: command.now.toISOString(),
    },
  }];
}

export const cardCancelled = () => new DomainError('card_cancelled', 'The card is cancelled and cannot be changed.', 409);

function update(command: Extract<CardCommand, { type: 'UpdateCard' }>, state: CardState): CardEvent[] {
  if (!state.exists || state.owner_id !== command.caller_id) throw cardNotFound();
  if (state.status === 'cancelled') throw cardCancelled();
  const events: CardEvent[] = [];
  if (command.daily_limit !== undefined || command.monthly_limit !== undefined) {
    const limits = {
      daily_limit: command.daily_limit ?? state.daily_limit,
      monthly_limit: command.monthly_limit ?? state.monthly_limit,
    };
    checkCardLimits(limits, state.currency);
    if (limits.daily_limit !== state.daily_limit || limits.monthly_limit !== state.monthly_limit) {
      events.push({
        type: 'CardLimitsChanged',
        data: { daily_limit: limits.daily_limit.toString(), monthly_limit: limits.monthly_limit.toString() },
      });
    }
  }
  const reason = command.reason ?? 'owner_request';
  if (command.is_active === false && state.status === 'active') {
    // Blocking is always allowed: it only protects the owner.
    events.push({ type: 'CardBlocked', data: { reason } });
  }
  if (command.is_active === true && state.status === 'blocked') {
    if (command.account.account_number !== state.account_number) throw new Error('UpdateCard: account facts of another account');
    assertOpenForUse(command.account);
    if (isExpired(state.expiry, command.now)) throw new DomainError('card_expired', 'The card has expired and cannot be unblocked.', 422);
    events.push({ type: 'CardUnblocked', data: { reason } });
  }
  return events;
}

/** Cancelling again decides nothing: the card is already gone for good. */
function cancel(command: Extract<CardCommand, { type: 'CancelCard' }>, state: CardState): CardEvent[] {
  if (!state.exists || state.owner_id !== command.caller_id) throw cardNotFound();
  if (state.status === 'cancelled') return [];
  return [{ type: 'CardCancelled', data: { reason: command.reason, cancelled_at: command.now.toISOString() } }];
}

export function decideCard(command: CardCommand, state: CardState): CardEvent[] {
  switch (command.type) {
    case 'IssueCard':
      return issue(command, state);
    case 'UpdateCard':
      return update(command, state);
    case 'CancelCard':
      return cancel(command, state);
  }
}

export const cardDecider: Decider<CardCommand, CardState, CardEvent> = {
  initialState: initialCardState,
  evolve: evolveCard,
  decide: decideCard,
};

export const cardStream = (cardId: string): string => `card-${cardId}`;
export const cardNumberStream = (panHash: string): string => `cardnumber-${panHash}`;
