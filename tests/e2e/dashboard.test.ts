import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../helpers/users.js';

/** Debian's chromium, or one on the PATH; undefined only when there is none at all. */
function findChromium(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => [join(dir, 'chromium'), join(dir, 'chromium-browser')]);
  return ['/usr/bin/chromium', ...onPath].find((p) => existsSync(p));
}
const CHROMIUM = findChromium();
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

interface Dot { chart: string; series: string; date: string; value: string; cy: number }

describe('business dashboard in headless Chromium', function () {
  this.timeout(120_000);
  let svc: RunningService | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let staff: Tokens;
  let customer: Tokens;
  let position: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!CHROMIUM) {
      console.log('\n    SKIPPED: no Chromium at /usr/bin/chromium nor on the PATH (apt-get install chromium); the dashboard was not checked in a browser.\n');
      this.skip();
    }
    svc = await startService();
    staff = await createStaff(svc, 'boss@example.com');
    await registerUser(svc, 'carol@example.com', undefined, { country: 'Jordan' });
    customer = await login(svc, 'carol@example.com');
    const opened = await svc.api.post('/accounts/', {}, { token: customer.access });
    const deposit = await svc.api.post(`/admin/accounts/${opened.body.account_number}/deposit/`, { amount: '42.500' }, { token: staff.access });
    expect(deposit.status, JSON.stringify(deposit.body)).to.equal(201);
    position = deposit.body.position as string;
    profile = mkdtempSync(join(tmpdir(), 'nexus-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await svc?.stop();
  });

  const openPage = async (): Promise<Page> => {
    const page = await context!.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${svc!.baseUrl}/business/dashboard/`);
    return page;
  };

  const dots = (page: Page): Promise<Dot[]> =>
    page.$$eval('section.chart circle', (els) =>
      els.map((c) => ({
        chart: c.closest('svg')!.getAttribute('data-chart')!,
        series: c.parentElement!.getAttribute('data-series')!,
        date: c.getAttribute('data-date')!,
        value: c.getAttribute('data-value')!,
        cy: Number(c.getAttribute('cy')),
      })),
    );

  it('asks for a token, then draws the daily series from /business/daily', async () => {
    const api = await svc!.api.get(`/business/daily/?min_position=${position}`, { token: staff.access });
    expect(api.status).to.equal(200);
    const days = api.body.results as Record<string, unknown>[];
    const today = days[0] as { date: string; deposits_amount: Record<string, string>; logins: number; new_users: number; deposits_count: number };
    expect(today.deposits_amount.JOD).to.equal('42.500');

    const page = await openPage();
    expect(await page.getAttribute('#status', 'data-state')).to.equal('idle');
    expect(await page.$$('section.chart')).to.have.length(0);
    await page.fill('#token', staff.access);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-state="ready"]', { timeout: 15_000 });

    const charts = await page.$$eval('section.chart', (els) => els.map((e) => e.getAttribute('data-chart')));
    expect(charts).to.deep.equal(['activity', 'movements', 'money-JOD', 'money-USD', 'money-EUR']);
    const drawn = await dots(page);
    // Every series has one point per day of the API's answer, and every point carries the API's value.
    const expected: [string, string, (d: Record<string, unknown>) => string][] = [
      ['activity', 'logins', (d) => String(d.logins)],
      ['activity', 'new_users', (d) => String(d.new_users)],
      ['movements', 'deposits_count', (d) => String(d.deposits_count)],
      ['money-JOD', 'deposits_amount', (d) => (d.deposits_amount as Record<string, string>).JOD!],
      ['money-USD', 'deposits_amount', (d) => (d.deposits_amount as Record<string, string>).USD!],
    ];
    for (const [chart, series, pick] of expected) {
      const points = drawn.filter((p) => p.chart === chart && p.series === series);
      expect(points, `${chart}/${series}`).to.have.length(days.length);
      const byDate = new Map(points.map((p) => [p.date, p.value]));
      for (const d of days) expect(byDate.get(d.date as string), `${chart}/${series} ${String(d.date)}`).to.equal(pick(d));
    }
    // Drawn to scale: today's JOD deposit is the chart's peak (top of the plot), a quiet day sits on the baseline.
    const jod = drawn.filter((p) => p.chart === 'money-JOD' && p.series === 'deposits_amount');
    const peak = jod.find((p) => p.date === today.date)!;
    const quiet = jod.find((p) => p.value === '0.000')!;
    expect(peak.cy).to.be.lessThan(quiet.cy);
    expect(Math.min(...jod.map((p) => p.cy))).to.equal(peak.cy);
    expect(await page.$$eval('section.chart polyline', (els) => els.length)).to.equal(5 * 4);
    expect(await page.evaluate(() => sessionStorage.getItem('nexus.staffToken'))).to.equal(staff.access);
    await page.close();
  });

  it('shows the refusal for a customer token and loads nothing from elsewhere', async () => {
    const page = await openPage();
    await page.fill('#token', customer.access);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-state="error"]', { timeout: 15_000 });
    expect(await page.textContent('#status')).to.match(/^403/);
    expect(await page.$$('section.chart')).to.have.length(0);
    await page.close();
    expect(requests.length).to.be.greaterThan(4);
    expect(requests.filter((u) => u.endsWith('/favicon.ico')), 'no stray favicon request').to.deep.equal([]);
    for (const url of requests) expect(url.startsWith(`${svc!.baseUrl}/`), url).to.equal(true);
    const unexpected = consoleErrors.filter((m) => !/status of 403/.test(m));
    expect(unexpected, 'console errors (a CSP violation would show here)').to.deep.equal([]);
  });
});
