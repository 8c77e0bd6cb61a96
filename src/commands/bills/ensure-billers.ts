import { BILLERS } from '../../domain/bills/billers.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { openAccount } from '../accounts/open-account.js';
import { BANK_OWNER_ID } from '../accounts/system-accounts.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { systemContext } from '../shared/command-context.js';

/** Opens every biller's bank-owned collecting account (type Biller), once; safe to run at every start. */
export async function ensureBillers(repo: AggregateRepository): Promise<void> {
  const ctx = systemContext('setup');
  for (const biller of BILLERS) {
    try {
      await openAccount(repo, ctx, { owner_id: BANK_OWNER_ID, type: 'Biller', currency: biller.currency, account_number: biller.account_number });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'account_exists')) throw error;
    }
  }
}
