import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { consoleHarness } from './harness.js';
import { createStaff, login, registerUser, runCli, type TestUser, type Tokens } from '../helpers/users.js';

const TRANSFER_SUBJECT = /Confirm Your Transfer/;

/**
 * The staff console in Debian's chromium against the real service on PostgreSQL:
 * Overview (KPIs, charts per currency, CSV), Users (search, detail, confirmed
 * actions), Accounts (freeze, a transfer it refuses, deposits once), phone
 * width, roles, accessibility, and a screenshot of each page.
 */
describe('console: the staff pages (chromium)', function () {
  const h = consoleHarness(this);
  let staff: TestUser & Tokens;
  let carol: TestUser;
  let carolTokens: Tokens;
  let from = '';
  let to = '';
  let held: { id: string; code: string };
  let page: Page;
  const base = () => `${h.svc.baseUrl}/console`;

  before(async function () {
    if (!h.svc) return;
    staff = await createStaff(h.svc, 'ops@example.com');
    carol = await registerUser(h.svc, 'carol@example.com', undefined, { country: 'Jordan' });
    carolTokens = await login(h.svc, carol.email);
    from = (await h.svc.api.post('/accounts/', {}, { token: carolTokens.access })).body.account_number;
    to = (await h.svc.api.post('/accounts/', {}, { token: carolTokens.access })).body.account_number;
    const deposit = await h.svc.api.post(`/admin/accounts/${from}/deposit/`, { amount: '1000.000' }, { token: staff.access });
    expect(deposit.status, JSON.stringify(deposit.body)).to.equal(201);
    // A high-value transfer waits for its mailed code, its money held.
    const before = h.svc.mail.mails.length;
    const sent = await h.svc.api.post('/transfers/internal/', { sender_account: from, receiver_account: to, amount: '600.000' }, { token: carolTokens.access });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    const mail = await h.svc.mail.waitFor(carol.email, TRANSFER_SUBJECT, 10_000, before);
    held = { id: sent.body.transfer_id, code: /code is (\d{6})/.exec(mail.text)![1]! };
    page = await h.newPage();
  });

  const noSeriousViolations = async (name: string) => expect(await h.axe(page), `axe on ${name}`).to.deep.equal([]);
  const rowsOf = (testId: string) => page.locator(`[data-testid="${testId}"] tbody tr:not(.empty)`);

  it('signs in with the mailed code; Overview shows KPIs, one chart per currency with tooltips and legend toggles, and downloads the range as CSV', async () => {
    await h.signIn(page, staff.email);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const today = page.getByTestId('kpi-today');
    await today.waitFor();
    expect(await today.locator('.kpi', { hasText: 'Deposited' }).locator('dd').textContent()).to.equal('1,000.000 JOD · 0.00 USD · 0.00 EUR');
    await page.locator('figure.chart').nth(4).waitFor();
    expect(await page.locator('figure.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')))).to.deep.equal(['activity', 'movements', 'money-JOD', 'money-USD', 'money-EUR']);
    expect(await page.locator('figure.chart canvas').count(), 'each chart drawn').to.equal(5);

    const jod = page.locator('figure.chart[data-chart="money-JOD"]');
    const deposits = jod.getByRole('button', { name: 'Deposits' });
    expect(await deposits.getAttribute('aria-pressed')).to.equal('true');
    await deposits.click();
    expect(await deposits.getAttribute('aria-pressed')).to.equal('false');
    await deposits.press('Enter');
    expect(await deposits.getAttribute('aria-pressed'), 'toggled back from the keyboard').to.equal('true');
    const over = jod.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const tip = jod.locator('.chart-tip');
    await tip.waitFor({ state: 'visible' });
    expect(await tip.textContent()).to.match(/^\d{4}-\d{2}-\d{2}Deposits: 1000\.000 JODTransfers: 0\.000 JOD/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-daily').click()]);
    expect(download.suggestedFilename()).to.match(/^nexus-daily-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).to.match(/^date,/);
    expect(csv.length, 'a header and 30 days').to.equal(31);
    const column = csv[0]!.split(',').indexOf('deposits_amount_JOD');
    expect(csv.slice(1).map((l) => l.split(',')[column]).filter((v) => v !== '0.000')).to.deep.equal(['1000.000']);
    await h.screenshot(page, 'overview');
    await noSeriousViolations('overview');
  });

  it('finds a user by e-mail; the detail shows accounts, sessions, login events and incidents; terminate and block ask first and show the event', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('E-mail or user id').fill('carol@example.com');
    await page.getByLabel('E-mail or user id').press('Enter');
    await page.waitForURL(/\/console\/users\?q=carol%40example\.com$/);
    await rowsOf('users-table').first().waitFor();
    expect(await rowsOf('users-table').count()).to.equal(1);
    await h.screenshot(page, 'users');
    await noSeriousViolations('users');

    await page.getByRole('link', { name: 'carol@example.com' }).click();
    await page.getByRole('heading', { name: 'carol@example.com', level: 1 }).waitFor();
    await rowsOf('user-accounts').nth(1).waitFor();
    expect(await rowsOf('user-accounts').count()).to.equal(2);
    await rowsOf('user-sessions').first().waitFor();
    expect(await rowsOf('user-sessions').first().textContent()).to.contain('active');
    await rowsOf('user-logins').first().waitFor();
    expect(await rowsOf('user-logins').first().textContent()).to.contain('login');

    // Cancel does nothing.
    await page.getByRole('button', { name: 'Terminate sessions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Terminate every session?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog'))), 'focus moves into the dialog').to.equal(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('action-result').count()).to.equal(0);

    await page.getByRole('button', { name: 'Terminate sessions' }).click();
    await dialog.getByLabel('Reason').fill('phone stolen');
    await dialog.getByRole('button', { name: 'Terminate sessions' }).click();
    const result = page.getByTestId('action-result');
    await result.waitFor();
    expect(await result.textContent()).to.match(/All sessions terminated for carol@example\.com\. \d+ session\(s\) revoked\./);
    expect(await page.getByTestId('result-position').textContent()).to.match(/^\d+$/);
    await page.locator('[data-testid="user-sessions"] tbody tr', { hasText: 'revoked (admin)' }).first().waitFor();
    await page.locator('[data-testid="user-incidents"] tbody tr', { hasText: 'admin_action' }).first().waitFor();

    await page.getByRole('button', { name: 'Block user' }).click();
    await page.getByRole('dialog', { name: 'Block this user?' }).getByRole('button', { name: 'Block user' }).click();
    await page.locator('[data-testid="user-status"]', { hasText: 'blocked' }).waitFor();
    expect(await result.textContent()).to.contain('User carol@example.com has been blocked.');
    await h.screenshot(page, 'user-detail');
    await noSeriousViolations('user detail');
    await page.getByRole('button', { name: 'Unblock user' }).click();
    await page.getByRole('dialog', { name: 'Unblock this user?' }).getByRole('button', { name: 'Unblock user' }).click();
    await page.locator('[data-testid="user-status"]', { hasText: 'active' }).waitFor();
    carolTokens = await login(h.svc, carol.email);
  });

  it('freezes an account behind a confirmation; its held transfer is then refused and released; a deposit into it shows the refusal', async () => {
    await page.getByRole('link', { name: 'Accounts', exact: true }).click();
    await rowsOf('accounts-table').first().waitFor();
    await page.getByLabel('Account number, owner e-mail or id').fill(from);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: `Account ${from}` }).waitFor();
    await page.locator('[data-testid="statement"] tbody tr', { hasText: 'hold' }).waitFor();
    await page.getByRole('button', { name: 'Freeze account' }).click();
    await page.getByRole('dialog', { name: 'Freeze this account?' }).getByRole('button', { name: 'Freeze account' }).click();
    await page.locator('[data-testid="account-status"]', { hasText: 'frozen' }).waitFor();
    expect(await page.getByTestId('action-result').textContent()).to.contain(`Account ${from} has been frozen.`);

    const refused = await h.svc.api.post('/transfers/confirm/', { transfer_id: held.id, otp: held.code }, { token: carolTokens.access });
    expect([refused.status, refused.body.code]).to.deep.equal([422, 'account_frozen']);
    // The refusal voids the hold; once the read model shows it, the page does too.
    const deadline = Date.now() + 10_000;
    const released = async () => ((await h.svc.api.get(`/admin/accounts/${from}/transactions/`, { token: staff.access })).body.results as { direction: string }[]).some((e) => e.direction === 'release');
    while (!(await released())) {
      expect(Date.now(), 'the release reaches the read model').to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.reload();
    const release = page.locator('[data-testid="statement"] tbody tr', { hasText: 'release' });
    await release.waitFor({ timeout: 15_000 });
    expect(await release.textContent()).to.contain('600.000 JOD');
    expect(await page.getByTestId('account-facts').textContent()).to.contain('Available1,000.000 JOD');

    await page.getByLabel('Amount (JOD)').fill('5.000');
    await page.getByRole('button', { name: 'Deposit' }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'frozen' });
    await problem.waitFor();
    expect(await problem.locator('.problem-detail').textContent()).to.equal(`Account ${from} is frozen.`);
    expect(await problem.locator('.problem-title').textContent()).to.not.equal('');
    await h.screenshot(page, 'account');
    await noSeriousViolations('account');
  });

  it('unfreezes; a double-clicked deposit deposits once', async () => {
    await page.getByRole('button', { name: 'Unfreeze account' }).click();
    await page.getByRole('dialog', { name: 'Unfreeze this account?' }).getByRole('button', { name: 'Unfreeze account' }).click();
    await page.locator('[data-testid="account-status"]', { hasText: 'active' }).waitFor();
    await page.getByLabel('Amount (JOD)').fill('5.000');
    await page.getByRole('button', { name: 'Deposit' }).dblclick();
    const done = page.getByTestId('action-result').filter({ hasText: 'Deposited' });
    await done.waitFor();
    expect(await done.textContent()).to.contain('Balance after: 1,005.000 JOD');
    await page.locator('[data-testid="account-balance"]', { hasText: '1,005.000 JOD' }).waitFor();
    const statement = await h.svc.api.get(`/admin/accounts/${from}/transactions/?limit=100`, { token: staff.access });
    const deposits = (statement.body.results as { kind: string; amount: string }[]).filter((e) => e.kind === 'deposit').map((e) => e.amount);
    expect(deposits).to.deep.equal(['5.000', '1000.000']);
  });

  it('is readable at 390 px: no page scrolls sideways (the session comes back through the cookie)', async () => {
    const phone = await h.newPage(390);
    for (const [name, path, ready] of [
      ['overview', '/', 'figure.chart'],
      ['users', '/users', '[data-testid="users-table"] tbody tr'],
      ['user-detail', `/users/${carol.id}`, '[data-testid="user-sessions"] tbody tr'],
      ['accounts', '/accounts', '[data-testid="accounts-table"] tbody tr'],
      ['account', `/accounts/${from}`, '[data-testid="statement"] tbody tr'],
    ] as const) {
      await phone.goto(`${base()}${path}`);
      await phone.locator(ready).first().waitFor();
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${name} at 390 px`).to.be.at.most(390);
      await h.screenshot(phone, `${name}-390`);
    }
    await phone.close();
  });

  it('an auditor signs in but sees none of the staff pages', async () => {
    await registerUser(h.svc, 'audrey@example.com');
    const granted = await runCli(h.svc, ['grant-role', '--email', 'audrey@example.com', '--role', 'auditor']);
    expect(granted.code, granted.stderr).to.equal(0);
    await h.context.clearCookies();
    const auditor = await h.newPage();
    await h.signIn(auditor, 'audrey@example.com');
    expect(await auditor.locator('.badge').textContent()).to.equal('auditor');
    expect(await auditor.getByRole('link', { name: 'Users', exact: true }).count()).to.equal(0);
    await auditor.goto(`${base()}/users/${carol.id}`);
    await auditor.getByRole('heading', { name: 'Not here' }).waitFor();
    await auditor.close();
  });

  it('loaded nothing from elsewhere and logged no script error', async () => {
    expect(h.requests.length).to.be.greaterThan(20);
    for (const url of h.requests) expect(url.startsWith(`${h.svc.baseUrl}/`), url).to.equal(true);
    // Refusals the tests caused (the 422 deposit, 401s of a signed-out refresh) log as failed loads.
    const unexpected = h.errors.filter((m) => !/Failed to load resource: the server responded with a status of (401|422)/.test(m));
    expect(unexpected).to.deep.equal([]);
  });
});
