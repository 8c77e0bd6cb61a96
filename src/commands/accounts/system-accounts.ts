import { CURRENCIES } from '../../domain/money/currency.js';
import { subStream } from '../../domain/accounts/sub-streams.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { systemContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { accountAggregate } from './account-aggregate.js';
import { bankCashAccount, bankFeesAccount, bankFxAccount } from './account-numbers.js';
import { bankSubStreams } from './bank-sub-streams.js';

export const BANK_OWNER_ID = 'bank';

const opened = (error: unknown) => {
  if (!(error instanceof DomainError && error.code === 'account_exists')) throw error;
};

/**
 * Opens the bank's cash, fee and FX position accounts of every currency, once,
 * each with its sub-streams 1..BANK_STREAM_SHARDS-1 (sub-stream 0 is the
 * account's stream; domain/accounts/sub-streams.ts). Safe at every start; a
 * bigger count opens the new sub-streams, a smaller one leaves the old open
 * (their money still counts).
 */
export async function ensureSystemAccounts(repo: AggregateRepository): Promise<void> {
  const ctx = systemContext('setup');
  const count = bankSubStreams();
  const accounts = CURRENCIES.flatMap((currency) =>
    ([[bankCashAccount(currency), 'BankCash'], [bankFeesAccount(currency), 'BankFees'], [bankFxAccount(currency), 'BankFx']] as const).map(([number, type]) => ({ number, type, currency })),
  );
  await Promise.all(
    accounts.map(async ({ number, type, currency }) => {
      // In order, so the sub-streams that exist are always 0..k (the audits count them so).
      for (let k = 0; k < count; k++) {
        await repo
          .execute(
            accountAggregate,
            subStream(number, k),
            { type: 'OpenAccount', account_number: number, owner_id: BANK_OWNER_ID, account_type: type, currency },
            ctx,
            () => (k === 0 ? deterministicId('account-opened', number) : deterministicId('account-opened', number, String(k))),
          )
          .catch(opened);
      }
    }),
  );
}
