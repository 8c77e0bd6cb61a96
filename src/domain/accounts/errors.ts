import { DomainError } from '../shared/domain-error.js';

/** The refusal for an account that is frozen, with whatever details the caller adds. */
export const accountFrozen = (accountNumber: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('account_frozen', `Account ${accountNumber} is frozen.`, 422, details);
