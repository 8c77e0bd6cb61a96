import { randomUUID } from 'node:crypto';
import type { CardCommand } from '../../domain/cards/commands.js';
import { cardDecider, cardNumberStream } from '../../domain/cards/decider.js';
import type { CardNumberEvent, CardType } from '../../domain/cards/events.js';
import { parseAmount } from '../../domain/money/amount.js';
import type { Currency } from '../../domain/money/currency.js';
import type { CardState } from '../../domain/cards/state.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import { toNewEvent } from '../shared/new-event.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId, idsFrom } from '../shared/ids.js';
import type { EventStore } from '../../eventstore/port.js';
import { loadAccountFacts } from './account-facts.js';
import { cardAggregate, cardStream } from './card-aggregate.js';
import type { CardDeps } from './card-deps.js';
import { generatePan, panHash } from './card-numbers.js';

export interface IssueCardInput {
  caller_id: string;
  account_number: string;
  card_type: CardType;
  /** Decimal strings in the account's currency ("250.500" for JOD). */
  daily_limit?: string;
  monthly_limit?: string;
}

/** Limits from the API's decimal strings to minor units; more decimals than the currency has is a 400. */
export const parseLimits = (input: { daily_limit?: string; monthly_limit?: string }, currency: Currency) => ({
  ...(input.daily_limit !== undefined ? { daily_limit: parseAmount(input.daily_limit, currency, 'daily_limit') } : {}),
  ...(input.monthly_limit !== undefined ? { monthly_limit: parseAmount(input.monthly_limit, currency, 'monthly_limit') } : {}),
});

export interface CardResult {
  state: CardState;
  position: bigint;
}

const MAX_NUMBER_DRAWS = 5;

/**
 * Issues a card on the caller's active account. The number is drawn here,
 * claimed in its own stream (so no two cards ever share one), and forgotten:
 * only its last four digits and keyed hash are stored.
 */
export async function issueCard(deps: CardDeps & { store: EventStore }, ctx: CommandContext, input: IssueCardInput): Promise<CardResult> {
  const account = await loadAccountFacts(deps.repo, input.account_number);
  const limits = parseLimits(input, account.currency);
  const card_id = randomUUID();
  const command = (pan: string, pan_hash: string): CardCommand => ({
    type: 'IssueCard', card_id, caller_id: input.caller_id, account, card_type: input.card_type, pan, pan_hash,
    ...limits,
  });
  const numberReserved: CardNumberEvent = { type: 'CardNumberReserved', data: { card_id } };
  for (let draw = 0; draw < MAX_NUMBER_DRAWS; draw++) {
    const pan = generatePan();
    const hash = panHash(deps.panKey, pan);
    // Business rules first (ownership, frozen, limits), so a refused request claims no number.
    cardDecider.decide(command(pan, hash), cardDecider.initialState, ctx);
    try {
      await deps.store.append(
        cardNumberStream(hash),
        [toNewEvent(numberReserved, deterministicId('card-number', card_id), ctx)],
        'no_stream',
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) continue; // number taken: draw again
      throw error;
    }
    const decided = await deps.repo.execute(cardAggregate, cardStream(card_id), command(pan, hash), ctx, idsFrom(`card-issued/${card_id}`));
    return { state: decided.state, position: decided.result?.position ?? 0n };
  }
  throw new Error(`could not draw an unused card number in ${MAX_NUMBER_DRAWS} tries`);
}
