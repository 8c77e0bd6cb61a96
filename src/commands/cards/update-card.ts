import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { loadAccountFacts } from './account-facts.js';
import { cardAggregate, cardStream } from './card-aggregate.js';
import type { CardDeps } from './card-deps.js';
import { parseLimits, type CardResult } from './issue-card.js';

export interface UpdateCardInput {
  caller_id: string;
  card_id: string;
  is_active?: boolean;
  /** Decimal strings in the card's currency ("250.500" for JOD). */
  daily_limit?: string;
  monthly_limit?: string;
}

/** Blocks, unblocks and changes limits (together or not at all); a change to the current value appends nothing. */
export async function updateCard(deps: CardDeps, ctx: CommandContext, input: UpdateCardInput): Promise<CardResult> {
  const { state: card } = await deps.repo.load(cardAggregate, cardStream(input.card_id));
  if (!card.exists || card.owner_id !== input.caller_id) throw new DomainError('card_not_found', 'Card not found.', 404);
  const account = await loadAccountFacts(deps.repo, card.account_number);
  const limits = parseLimits(input, card.currency);
  const decided = await deps.repo.execute(
    cardAggregate,
    cardStream(input.card_id),
    {
      type: 'UpdateCard', caller_id: input.caller_id, account,
      ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
      ...limits,
    },
    ctx,
    idsFrom(`card-updated/${input.card_id}/${randomUUID()}`),
  );
  return { state: decided.state, position: decided.result?.position ?? 0n };
}
