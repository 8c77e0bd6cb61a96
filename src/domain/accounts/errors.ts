import { DomainError } from '../shared/domain-error.js';

/** The refusal for an account that is frozen, with whatever details the caller adds. */
/** The refusal for an account closed for good. */
export const accountClosed = (accountNumber: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('account_closed', `Account ${accountNumber} is closed.`, 422, details);

/** A closed account refuses as closed, a frozen one as frozen; an active one passes. */
export function assertOpenForUse(account: { account_number: string; status: string }, details: Record<string, unknown> = {}): void {
  if (account.status === 'closed') throw accountClosed(account.account_number, details);
  if (account.status === 'frozen') throw accountFrozen(account.account_number, details);
}

export const accountFrozen = (accountNumber: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('account_frozen', `Account ${accountNumber} is frozen.`, 422, details);
