import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { CardCommand } from './commands.js';
import { cancelCard } from './decide/cancel-card.js';
import { issueCard } from './decide/issue-card.js';
import { updateCard } from './decide/update-card.js';
import type { CardEvent } from './events.js';
import { evolveCard, initialCardState, type CardState } from './state.js';

/** The card aggregate: one decide function per command, in decide/<command>.ts. */
export const decideCard = dispatch<CardCommand, CardState, CardEvent>({
  IssueCard: issueCard,
  UpdateCard: updateCard,
  CancelCard: cancelCard,
});

export const cardDecider: Decider<CardCommand, CardState, CardEvent> = {
  initialState: initialCardState,
  evolve: evolveCard,
  decide: decideCard,
};

export const cardStream = (cardId: string): string => `card-${cardId}`;
export const cardNumberStream = (panHash: string): string => `cardnumber-${panHash}`;
