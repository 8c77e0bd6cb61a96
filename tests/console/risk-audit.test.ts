import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { SqlEventStore } from '../../src/eventstore/sql/sql-event-store.js';
import { asNew } from '../unit/cards/support/projection-bench.js';
import { createStaff, login, registerUser, runCli } from '../helpers/users.js';
import { consoleHarness } from './harness.js';

/** An incident as the risk process raises it (its stream, its first event). */
function incident(severity: 'high' | 'critical', rule: string, userId: string) {
  const id = randomUUID();
  return {
    id,
    stream: `incident-${id}`,
    event: asNew('IncidentRaised', {
      incident_id: id, rule, severity, user_id: userId, account_number: null, ip: '203.0.113.77',
      evidence: { email: 'victim-c@example.com', failed_attempts: 7 }, raised_at: new Date().toISOString(),
    }),
  };
}

/** No sideways scrolling: the page fits the viewport's width. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('console: risk and audit (chromium)', function () {
  // Loopback is the proxy, so the test picks the client IP of its failed logins; three failures lock a pair.
  const h = consoleHarness(this, { TRUST_PROXY: 'loopback', LOCKOUT_PAIR_FAILURE_LIMIT: '3' });
  let store: SqlEventStore;
  let victim: { id: string; email: string };
  let staffAccess: string;
  /** The victim's account, credited twice by staff. */
  let account: string;

  before(async () => {
    store = await openPostgresEventStore(h.svc.databaseUrl, 2);
    staffAccess = (await createStaff(h.svc, 'risk-ops@example.com')).access;
    victim = await registerUser(h.svc, 'victim-c@example.com');
    const opened = await h.svc.api.post('/accounts/', {}, { token: (await login(h.svc, victim.email)).access });
    expect(opened.status).to.equal(201);
    account = opened.body.account_number;
    for (const amount of ['100.000', '25.250']) {
      const res = await h.svc.api.post(`/admin/accounts/${account}/deposit/`, { amount }, { token: staffAccess });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });
  after(async () => {
    await store?.close();
  });

  it('acknowledges an incident, sees a critical one arrive live, unlocks a pair (axe clean, fits 390 px)', async () => {
    const first = incident('high', 'brute_force', victim.id);
    await store.append(first.stream, [first.event], 'no_stream');
    const page = await h.newPage();
    await h.signIn(page, 'risk-ops@example.com');
    await page.goto(`${h.svc.baseUrl}/console/risk?status=open`);
    const table = page.getByTestId('incidents-table');
    await table.getByText('brute_force').waitFor();
    await page.getByText('Live alerts: connected').waitFor({ timeout: 15_000 });
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'risk');

    // Acknowledge through the confirmation, with a note: the resulting event is shown and the row leaves the open list.
    await table.getByRole('button', { name: /^Acknowledge incident brute_force/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('Looking into it');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    const result = page.locator('.result[role=status]');
    await result.getByText(/Incident acknowledged: IncidentAcknowledged recorded at position \d+/).waitFor();
    const position = /position (\d+)/.exec((await result.textContent()) ?? '')![1];
    const listed = await h.svc.api.get(`/risk/incidents/${first.id}?min_position=${position}`, { token: staffAccess });
    expect(listed.body).to.deep.include({ status: 'acknowledged' });
    expect(listed.body.acknowledged.note).to.equal('Looking into it');

    // A critical incident written now shows up live, in the alerts and the list.
    await page.goto(`${h.svc.baseUrl}/console/risk`);
    await page.getByText('Live alerts: connected').waitFor({ timeout: 15_000 });
    const critical = incident('critical', 'transfer_velocity', victim.id);
    await store.append(critical.stream, [critical.event], 'no_stream');
    await page.getByTestId('live-alerts').getByText(/transfer_velocity/).waitFor({ timeout: 15_000 });
    await table.getByText('transfer_velocity').waitFor({ timeout: 15_000 });
    await h.screenshot(page, 'risk-live-alert');

    // The incident's page: its evidence and workflow.
    await page.goto(`${h.svc.baseUrl}/console/risk/incidents/${critical.id}`);
    await page.getByText('"failed_attempts": 7').waitFor();
    expect(await h.axe(page)).to.deep.equal([]);

    // Three failed logins from one IP lock the (email, IP) pair: listed, then unlocked.
    for (let i = 0; i < 3; i++) {
      const res = await h.svc.api.post('/auth/jwt/create/', { email: victim.email, password: 'wrong-password-x' }, { headers: { 'x-forwarded-for': '198.51.100.91' } });
      expect(res.status).to.equal(401);
    }
    // The list reads two read models (lockouts, logins): wait until both have the attempts before opening the page.
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
      const listed = await h.svc.api.get('/risk/axes/locks/?ip=198.51.100.91', { token: staffAccess });
      if (listed.body.results?.[0]?.email === victim.email) break;
      if (Date.now() > deadline) throw new Error(`the pair lock was not listed: ${JSON.stringify(listed.body)}`);
    }
    await page.goto(`${h.svc.baseUrl}/console/risk/locks`);
    const locks = page.getByTestId('locks-table');
    await locks.getByText(victim.email).waitFor({ timeout: 15_000 });
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'risk-locks');
    await locks.getByRole('button', { name: 'Unlock pair' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unlock' }).click();
    await page.locator('.result[role=status]').getByText(`Lockout cleared for ${victim.email} from IP 198.51.100.91.`).waitFor();
    await locks.getByText('Nothing is locked out now.').waitFor({ timeout: 15_000 });

    await page.goto(`${h.svc.baseUrl}/console/risk/logins?ip=198.51.100.91`);
    await page.getByTestId('logins-table').getByText('invalid_credentials').first().waitFor();
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'risk-logins');

    // Keyboard: Tab reaches the first filter, and the phone width scrolls nowhere sideways.
    const phone = await h.newPage(390);
    await phone.goto(`${h.svc.baseUrl}/console/risk`);
    await phone.getByTestId('incidents-table').getByText('transfer_velocity').waitFor({ timeout: 15_000 });
    expect(await fitsWidth(phone)).to.equal(true);
    await h.screenshot(phone, 'risk-390');
    await phone.close();
    await page.close();
  });

  it('verifies the chains, views a stream with its hash links, rebuilds a projection with progress', async () => {
    const page = await h.newPage();
    await page.goto(`${h.svc.baseUrl}/console/audit/verify`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const verdict = page.getByTestId('verify-result');
    await verdict.getByText('Chains intact').waitFor({ timeout: 30_000 });
    expect(await verdict.textContent()).to.match(/\d+ events in \d+ streams checked/);
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-verify');

    await page.goto(`${h.svc.baseUrl}/console/audit/streams/user-${victim.id}`);
    const events = page.getByTestId('audit-event');
    await events.first().waitFor();
    expect(await events.first().textContent()).to.include('(first of its stream)');
    await page.getByRole('button', { name: 'Verify this stream' }).click();
    await page.getByTestId('verify-result').getByText('Chains intact').waitFor();
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-stream');

    await page.goto(`${h.svc.baseUrl}/console/audit?type=IncidentRaised`);
    await page.getByTestId('audit-event').first().waitFor();
    const types = await page.getByTestId('audit-event').locator('header strong').allTextContents();
    expect(types.length).to.be.at.least(1);
    expect(types.every((t) => t === 'IncidentRaised')).to.equal(true);
    await h.screenshot(page, 'audit-log');

    await page.goto(`${h.svc.baseUrl}/console/audit/projections`);
    const table = page.getByTestId('projections-table');
    await table.getByText('lockouts', { exact: true }).waitFor();
    await table.getByRole('button', { name: 'Rebuild lockouts' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rebuild' }).click();
    await page.getByText('Rebuild of lockouts started').waitFor();
    await table.getByText(/last rebuild done/).first().waitFor({ timeout: 30_000 });
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-projections');

    await page.goto(`${h.svc.baseUrl}/console/audit/checkpoints`);
    await page.getByRole('heading', { name: 'Signed checkpoints' }).waitFor();
    await page.getByTestId('checkpoints-table').waitFor();
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-checkpoints');
    await page.close();
  });

  it('an auditor sees only the audit views', async () => {
    await registerUser(h.svc, 'audrey-c@example.com');
    const granted = await runCli(h.svc, ['grant-role', '--email', 'audrey-c@example.com', '--role', 'auditor']);
    expect(granted.code, granted.stderr).to.equal(0);
    await h.context.clearCookies();
    const page = await h.newPage();
    await h.signIn(page, 'audrey-c@example.com');
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link').first().waitFor();
    expect(await nav.getByRole('link').allTextContents()).to.deep.equal(['Audit']);
    await page.goto(`${h.svc.baseUrl}/console/risk`);
    await page.getByRole('heading', { name: 'Not here' }).waitFor();
    await page.goto(`${h.svc.baseUrl}/console/audit/balance?account=000000000000`);
    await page.getByRole('alert').getByText('Account not found.').waitFor();
    await page.goto(`${h.svc.baseUrl}/console/audit`);
    await page.getByTestId('audit-event').first().waitFor();
    expect(await h.axe(page)).to.deep.equal([]);
    await page.close();
  });
  it('shows an edited event: the chain break, and the balance discrepancy highlighted (as the auditor)', async () => {
    const page = await h.newPage();
    await page.goto(`${h.svc.baseUrl}/console/audit/balance?account=${account}`);
    const verdict = page.getByTestId('balance-result');
    await verdict.getByText('No discrepancy in the replay; the statement agrees.').waitFor({ timeout: 15_000 });
    expect(await page.locator('dl.facts').textContent()).to.include('125.250 JOD');
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-balance');

    // Someone owning es.events edits the second deposit's amount (and cannot fix the hashes without it showing).
    const client = new pg.Client({ connectionString: h.svc.databaseUrl });
    await client.connect();
    try {
      await client.query(`alter table es.events disable trigger user`);
      await client.query(`update es.events set data = jsonb_set(data, '{amount}', '"999000"') where stream_id = $1 and revision = 2`, [`account-${account}`]);
    } finally {
      await client.end();
    }
    await page.goto(`${h.svc.baseUrl}/console/audit/verify`);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const report = page.getByTestId('verify-result');
    await report.getByText('Chains broken: 1 break').waitFor({ timeout: 30_000 });
    expect(await report.textContent()).to.include(`account-${account} revision 2: hash mismatch`);
    await h.screenshot(page, 'audit-verify-broken');

    await page.goto(`${h.svc.baseUrl}/console/audit/balance?account=${account}`);
    await verdict.getByText(/1 discrepancy in the replay/).waitFor({ timeout: 15_000 });
    const rows = page.getByTestId('discrepancies').locator('tbody tr');
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().locator('.mismatch').count()).to.equal(1);
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-balance-discrepancy');
    await page.close();
  });
  it("shows an erased user's personal fields as redacted, on a phone, opened from the keyboard", async () => {
    const gina = await registerUser(h.svc, 'gina-c@example.com');
    const erased = await runCli(h.svc, ['erase-user', gina.id]);
    expect(erased.code, erased.stderr).to.equal(0);
    await h.context.clearCookies();
    const page = await h.newPage(390);
    await h.signIn(page, 'risk-ops@example.com');
    await page.goto(`${h.svc.baseUrl}/console/audit/streams/user-${gina.id}`);
    const first = page.getByTestId('audit-event').first();
    await first.waitFor({ timeout: 15_000 });
    const summary = first.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await first.locator('.redacted').first().waitFor();
    expect(await first.textContent()).to.not.include('gina-c@example.com');
    expect(await fitsWidth(page)).to.equal(true);
    expect(await h.axe(page)).to.deep.equal([]);
    await h.screenshot(page, 'audit-stream-erased-390');
    await page.close();
  });
});
