import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { accountAggregate } from '../../src/commands/accounts/account-aggregate.js';
import { bankCashAccount, bankFeesAccount, bankFxAccount, newAccountNumber } from '../../src/commands/accounts/account-numbers.js';
import { bankSubStreams } from '../../src/commands/accounts/bank-sub-streams.js';
import { deposit } from '../../src/commands/accounts/deposit.js';
import { openAccount } from '../../src/commands/accounts/open-account.js';
import { ensureSystemAccounts } from '../../src/commands/accounts/system-accounts.js';
import { systemContext } from '../../src/commands/shared/command-context.js';
import { accountBalanceAsOf } from '../../src/audit/account-balance.js';
import { accountStream } from '../../src/domain/accounts/decider.js';
import { accountOfStream, isSplitAccount, movementStream, subStream, subStreamIndex } from '../../src/domain/accounts/sub-streams.js';
import { CURRENCIES } from '../../src/domain/money/currency.js';
import { commandSide } from '../helpers/command-side.js';

describe('bank accounts split into sub-streams', function () {
  this.timeout(120_000);
  const side = commandSide('sub_streams');
  const ctx = () => systemContext('test');
  const streamsOf = (n: string) => Array.from({ length: bankSubStreams() }, (_, k) => subStream(n, k));
  const sumOf = async (n: string) => {
    const fresh = side.fresh();
    let sum = 0n;
    for (const s of streamsOf(n)) sum += (await fresh.load(accountAggregate, s)).state.balance;
    return sum;
  };

  it('names sub-streams after their account and picks one per transfer id, the same every time', () => {
    const cash = bankCashAccount('JOD');
    expect(isSplitAccount(cash)).to.equal(true);
    expect(isSplitAccount(newAccountNumber())).to.equal(false);
    expect(subStream(cash, 0)).to.equal(accountStream(cash));
    expect(accountOfStream(subStream(cash, 5))).to.equal(cash);
    expect(accountOfStream(accountStream(cash))).to.equal(cash);
    const customer = newAccountNumber();
    expect(movementStream(customer, 't', 8)).to.equal(accountStream(customer));
    const picks = Array.from({ length: 400 }, (_, i) => subStreamIndex(`transfer-${i}`, 8));
    expect(picks.every((k) => k >= 0 && k < 8)).to.equal(true);
    expect(new Set(picks).size, 'every sub-stream gets some').to.equal(8);
    expect(subStreamIndex('transfer-7', 8)).to.equal(picks[7]);
  });

  it('opens every sub-stream of the cash, fee and FX accounts once, at every start', async () => {
    expect(bankSubStreams()).to.be.greaterThan(1);
    const numbers = CURRENCIES.flatMap((c) => [bankCashAccount(c), bankFeesAccount(c), bankFxAccount(c)]);
    const before = await side.store.committedHead();
    await ensureSystemAccounts(side.fresh());
    expect(await side.store.committedHead(), 'a second start opens nothing').to.equal(before);
    for (const n of numbers) {
      for (const s of streamsOf(n)) {
        const [first] = await side.store.readStream(s, { max: 1 });
        expect(first?.type, s).to.equal('AccountOpened');
        expect(first?.data.account_number, s).to.equal(n);
      }
    }
  });

  it('spreads concurrent deposits over the cash sub-streams; their sum is the audit replay and every deposit lands once', async () => {
    const cash = bankCashAccount('EUR');
    const cashBefore = await sumOf(cash);
    const accounts = await Promise.all(Array.from({ length: 30 }, async () => (await openAccount(side.repo, ctx(), { owner_id: 'u', type: 'Basic', currency: 'EUR' })).state.account_number));
    const ids = accounts.map(() => randomUUID());
    await Promise.all(accounts.map((a, i) => deposit(side.repo, side.store, ctx(), { deposit_id: ids[i]!, account_number: a, amount: BigInt(100 + i) })));
    // A retry of one deposit lands nothing new: it goes to the sub-stream the first went to.
    const retried = await deposit(side.fresh(), side.store, ctx(), { deposit_id: ids[0]!, account_number: accounts[0]!, amount: 100n });
    expect(retried.replayed).to.equal(true);
    const total = accounts.reduce((sum, _a, i) => sum + BigInt(100 + i), 0n);
    expect(await sumOf(cash)).to.equal(cashBefore - total);
    const used = [];
    for (const s of streamsOf(cash)) if ((await side.store.readStream(s)).some((e) => e.type === 'AccountDebited')) used.push(s);
    expect(used.length, 'deposits debit several sub-streams').to.be.greaterThan(1);
    // committedHead: headPosition waits for every transaction open on the (shared) server.
    const replay = await accountBalanceAsOf(side.store, cash, { kind: 'position', position: await side.store.committedHead() });
    expect(replay.balance).to.equal(cashBefore - total);
    expect(replay.discrepancies).to.deep.equal([]);
    expect(replay.events_applied).to.be.greaterThan(accounts.length);
  });
});
