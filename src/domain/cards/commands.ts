import type { AccountState } from '../accounts/state.js';
import type { CardCancelReason, CardType } from './events.js';

/** What the card rules need to know about the card's account, read from its stream at command time. */
export type AccountFacts = Pick<AccountState, 'exists' | 'account_number' | 'owner_id' | 'status' | 'currency'>;

export type CardCommand =
  | {
      type: 'IssueCard';
      card_id: string;
      caller_id: string;
      account: AccountFacts;
      card_type: CardType;
      /** The generated number: only its last four digits leave the decider. */
      pan: string;
      pan_hash: string;
      daily_limit?: bigint;
      monthly_limit?: bigint;
    }
  | {
      /** A PATCH: any of the changes, applied together or not at all. Unchanged values append nothing. */
      type: 'UpdateCard';
      caller_id: string;
      account: AccountFacts;
      is_active?: boolean;
      daily_limit?: bigint;
      monthly_limit?: bigint;
      reason?: string;
    }
  | {
      /** Cancels the card for good: no later command can block, unblock or change it. */
      type: 'CancelCard';
      caller_id: string;
      reason: CardCancelReason;
    };
