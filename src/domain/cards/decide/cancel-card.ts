import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { CardCommand } from '../commands.js';
import type { CardEvent } from '../events.js';
import type { CardState } from '../state.js';
import { cardNotFound } from './guards.js';

/** Cancels the owner's card for good; cancelling again decides nothing: the card is already gone. */
export function cancelCard(command: CommandOf<CardCommand, 'CancelCard'>, state: CardState, ctx: DecisionContext): CardEvent[] {
  if (!state.exists || state.owner_id !== command.caller_id) throw cardNotFound();
  if (state.status === 'cancelled') return [];
  return [{ type: 'CardCancelled', data: { reason: command.reason, cancelled_at: ctx.now.toISOString() } }];
}
