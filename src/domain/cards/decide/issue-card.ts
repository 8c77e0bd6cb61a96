import { DomainError } from '../../shared/domain-error.js';
import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import { assertOpenForUse } from '../../accounts/errors.js';
import type { CardCommand } from '../commands.js';
import type { CardEvent } from '../events.js';
import { expiryFor } from '../expiry.js';
import { checkCardLimits, defaultCardLimits } from '../limits.js';
import { CARD_BRAND, isNexusPan } from '../pan.js';
import type { CardState } from '../state.js';
import { ownedAccount } from './guards.js';

/** A card on the caller's own active account, within the currency's limits; only the number's last four digits and keyed hash are kept. */
export function issueCard(command: CommandOf<CardCommand, 'IssueCard'>, state: CardState, ctx: DecisionContext): CardEvent[] {
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
  const expiry = expiryFor(ctx.now);
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
      issued_at: ctx.now.toISOString(),
    },
  }];
}
