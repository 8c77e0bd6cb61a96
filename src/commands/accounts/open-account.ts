import type { AccountType } from '../../domain/accounts/events.js';
import type { AccountState } from '../../domain/accounts/state.js';
import type { Currency } from '../../domain/money/currency.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { accountAggregate, accountStream } from './account-aggregate.js';
import { newAccountNumber } from './account-numbers.js';

export interface OpenedAccount {
  state: AccountState;
  position: bigint;
}

/** Opens an account with a zero balance; a number already taken is drawn again. */
export async function openAccount(
  repo: AggregateRepository,
  ctx: CommandContext,
  input: { owner_id: string; type: AccountType; currency: Currency; account_number?: string },
): Promise<OpenedAccount> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const number = input.account_number ?? newAccountNumber();
    try {
      const decided = await repo.execute(
        accountAggregate,
        accountStream(number),
        { type: 'OpenAccount', account_number: number, owner_id: input.owner_id, account_type: input.type, currency: input.currency },
        ctx,
        () => deterministicId('account-opened', number),
      );
      return { state: decided.state, position: decided.result?.position ?? 0n };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'account_exists' && input.account_number === undefined) continue;
      throw error;
    }
  }
  throw new Error('could not allocate an account number after 5 draws');
}
