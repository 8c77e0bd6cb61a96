import type { AccountEvent } from './accounts/events.js';
import type { ChainCheckpointEvent } from './audit/chain-checkpoint.js';
import type { BillEvent } from './bills/events.js';
import type { CardEvent, CardNumberEvent } from './cards/events.js';
import type { NotificationEvent } from './notifications/events.js';
import type { IncidentEvent } from './risk/events.js';
import type { AuthAttemptRecorded } from './security/auth-attempts.js';
import type { LockoutEvent } from './security/lockout.js';
import type { SecurityHitsRecorded } from './security/security-hits.js';
import type { SessionEvent } from './sessions/events.js';
import type { TransferEvent } from './transfers/events.js';
import type { TwoFactorEvent } from './two-factor/state.js';
import type { UserEvent } from './users/events.js';

/**
 * Every event the bank writes to its log, one union discriminated by `type`.
 * A projection or process names the types it handles and gets their payloads
 * typed (RecordedEvent<BankEventOf<...>> in src/eventstore/bank-events.ts).
 * Payload fields that events written by older versions lack are optional in
 * their aggregate's union, so a fold of the whole log type-checks what it reads.
 */
export type BankEvent =
  | AccountEvent
  | TransferEvent
  | BillEvent
  | CardEvent
  | CardNumberEvent
  | UserEvent
  | SessionEvent
  | LockoutEvent
  | AuthAttemptRecorded
  | SecurityHitsRecorded
  | IncidentEvent
  | NotificationEvent
  | TwoFactorEvent
  | ChainCheckpointEvent;

export type BankEventType = BankEvent['type'];

/** The event (type and payload) of one or more types. */
export type BankEventOf<T extends BankEventType> = Extract<BankEvent, { type: T }>;

/** The payload of one type. */
export type BankEventData<T extends BankEventType> = BankEventOf<T>['data'];
