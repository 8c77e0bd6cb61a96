import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import { assertOpenForUse } from '../../accounts/errors.js';
import type { CardCommand } from '../commands.js';
import type { CardEvent } from '../events.js';
import { isExpired } from '../expiry.js';
import { checkCardLimits } from '../limits.js';
import type { CardState } from '../state.js';
import { cardCancelled, cardNotFound } from './guards.js';

/** A PATCH of the owner's card: limits, block, unblock, applied together or not at all. */
export function updateCard(command: CommandOf<CardCommand, 'UpdateCard'>, state: CardState, ctx: DecisionContext): CardEvent[] {
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
    if (isExpired(state.expiry, ctx.now)) throw new DomainError('card_expired', 'The card has expired and cannot be unblocked.', 422);
    events.push({ type: 'CardUnblocked', data: { reason } });
  }
  return events;
}
