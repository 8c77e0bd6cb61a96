import type { CardCancelReason } from '../../domain/cards/events.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { cardAggregate, cardStream } from './card-aggregate.js';
import type { CardDeps } from './card-deps.js';
import type { CardResult } from './issue-card.js';

/**
 * Cancels the caller's card for good (CardCancelled). The event id derives
 * from the card, so a repeated or concurrent cancel records it once; a card
 * already cancelled answers as before. Someone else's card is a 404.
 */
export async function cancelCard(
  deps: Pick<CardDeps, 'repo'>,
  ctx: CommandContext,
  input: { caller_id: string; card_id: string; reason: CardCancelReason },
): Promise<CardResult> {
  const decided = await deps.repo.execute(
    cardAggregate,
    cardStream(input.card_id),
    { type: 'CancelCard', caller_id: input.caller_id, reason: input.reason },
    ctx,
    () => deterministicId('card-cancelled', input.card_id),
  );
  return { state: decided.state, position: decided.result?.position ?? 0n };
}
