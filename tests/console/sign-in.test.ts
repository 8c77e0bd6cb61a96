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
});
