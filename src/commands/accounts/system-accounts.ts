import { CURRENCIES } from '../../domain/money/currency.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { systemContext } from '../shared/command-context.js';
import { bankCashAccount, bankFeesAccount, bankFxAccount } from './account-numbers.js';
import { openAccount } from './open-account.js';

export const BANK_OWNER_ID = 'bank';

/** Opens the bank's cash, fee and FX position accounts of every currency, once. */
export async function ensureSystemAccounts(repo: AggregateRepository): Promise<void> {
  const ctx = systemContext('setup');
  for (const currency of CURRENCIES) {
    for (const [account_number, type] of [[bankCashAccount(currency), 'BankCash'], [bankFeesAccount(currency), 'BankFees'], [bankFxAccount(currency), 'BankFx']] as const) {
      try {
        await openAccount(repo, ctx, { owner_id: BANK_OWNER_ID, type, currency, account_number });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'account_exists')) throw error;
      }
    }
  }
}
