import type { AccountFacts } from '../../domain/cards/commands.js';
import { accountAggregate, accountStream } from '../accounts/account-aggregate.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';

/** The card's account as its own stream says now (ownership and freezes are never read from a lagging read model). */
export async function loadAccountFacts(repo: AggregateRepository, accountNumber: string): Promise<AccountFacts> {
  const { state } = await repo.load(accountAggregate, accountStream(accountNumber));
  return {
    exists: state.exists,
    account_number: state.account_number,
    owner_id: state.owner_id,
    status: state.status,
    currency: state.currency,
  };
}
