import { expect } from 'chai';
import { consoleHarness } from './harness.js';
import { createStaff, registerUser } from '../helpers/users.js';

describe('console: sign-in, refresh cookie, sign-out (chromium)', function () {
  const h = consoleHarness(this);

  it('signs in with the password and the mailed code, keeps no token in storage, survives a reload, signs out', async () => {
    await createStaff(h.svc, 'ops@example.com');
    const page = await h.newPage();
    await h.signIn(page, 'ops@example.com');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(storage).to.equal('{}{}');
    const cookies = await h.context.cookies();
    const refresh = cookies.find((c) => c.name === 'nexus_console_refresh');
    expect(refresh, 'the refresh cookie').to.not.equal(undefined);
    expect(refresh!.httpOnly).to.equal(true);
    expect(refresh!.sameSite).to.equal('Strict');
    expect(refresh!.path).to.equal('/auth/console');
    expect(await page.evaluate(() => document.cookie)).to.equal('');

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    // Two more tabs opened at once both restore the session from the cookie, and it stays usable.
    const tabs = await Promise.all([h.newPage(), h.newPage()]);
    await Promise.all(tabs.map((t) => t.goto(`${h.svc.baseUrl}/console/users`)));
    for (const t of tabs) await t.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    await Promise.all(tabs.map((t) => t.close()));
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    expect((await h.context.cookies()).some((c) => c.name === 'nexus_console_refresh')).to.equal(false);
    await page.close();
  });

  it('a customer signs in but gets no console pages', async () => {
    await registerUser(h.svc, 'cust@example.com');
    await h.context.clearCookies();
    const page = await h.newPage();
    await h.signIn(page, 'cust@example.com');
    await page.getByText('This account has no console role').waitFor();
    expect(await page.getByRole('link', { name: 'Users' }).count()).to.equal(0);
    await page.close();
  });

  it('refreshes silently before the access token expires, and signs out after 15 idle minutes', async () => {
    await h.context.clearCookies();
    const page = await h.newPage();
    const refreshes: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/auth/console/refresh')) refreshes.push(r.status());
    });
    await page.clock.install();
    await h.signIn(page, 'ops@example.com');
    expect(refreshes, 'the load found no session').to.deep.equal([401]);
    // The access token lives 10 minutes: a minute before, the console gets a new one through the cookie.
    await page.clock.runFor(9 * 60_000 + 5_000);
    for (let waited = 0; refreshes.length < 2 && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(refreshes).to.deep.equal([401, 200]);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // No key press, click or scroll for 15 minutes since sign-in: signed out, and told why.
    await page.clock.runFor(6 * 60_000);
    await page.locator('.notice[data-reason="idle"]').waitFor();
    // The new token lives 10 minutes from its refresh: no second refresh came before the idle sign-out.
    expect(refreshes).to.deep.equal([401, 200]);
    expect(await page.locator('.notice').textContent()).to.equal('You were signed out after a period of inactivity.');
    await page.reload();
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    await page.close();
  });
});
