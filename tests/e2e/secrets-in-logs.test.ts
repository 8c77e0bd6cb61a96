import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { expectNoneIn } from '../helpers/audit.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, DEFAULT_PASSWORD, login } from '../helpers/users.js';

interface OutboxMail {
  file: string;
  to: string;
  subject: string;
  text: string;
}

/** The mails of the outbox folder, oldest first. */
async function outbox(dir: string): Promise<OutboxMail[]> {
  const folder = join(dir, 'outbox');
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map(async (file) => {
    const parsed = await simpleParser(readFileSync(join(folder, file)));
    const to = [parsed.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address ?? '') : []))[0] ?? '';
    return { file, to, subject: parsed.subject ?? '', text: parsed.text ?? '' };
  }));
}

/** Waits for the newest outbox mail to `to` whose subject matches, past the first `after` mails. */
async function mailTo(dir: string, to: string, subject: RegExp, after: number): Promise<OutboxMail> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await outbox(dir)).slice(after).filter((m) => m.to === to && subject.test(m.subject)).pop();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${to} in the outbox`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const linkOf = (mail: OutboxMail) => {
  const m = /\/(?:auth\/activate|password\/reset\/confirm)\/([^/\s]+)\/([^/\s]+)/.exec(mail.text);
  if (!m) throw new Error(`no link in ${mail.text}`);
  return { uid: m[1]!, token: m[2]! };
};

describe('no secret in the service log (development mail outbox, debug logging)', function () {
  this.timeout(120_000);
  let dir: string;
  let svc: RunningService;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-logs-'));
    // No EMAIL_HOST: mail goes to DATA_DIR/outbox. Debug logs every request too.
    svc = await startService({ EMAIL_HOST: '', DATA_DIR: dir, LOG_LEVEL: 'debug' });
  });
  after(async () => {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a flow with passwords, activation and reset links, tokens and a transfer code leaves none of them in the log', async () => {
    const secrets: string[] = [DEFAULT_PASSWORD];
    const email = 'logan@example.com';
    const count = async () => (await outbox(dir)).length;
    let before = await count();
    const reg = await svc.api.post('/auth/users/', { email, password: DEFAULT_PASSWORD });
    expect(reg.status).to.equal(201);
    const activation = linkOf(await mailTo(dir, email, /Activate/, before));
    secrets.push(activation.token);
    expect((await svc.api.post('/auth/users/activation/', { uid: activation.uid, token: activation.token })).status).to.equal(204);
    const first = await login(svc, email);
    secrets.push(first.access, first.refresh);
    const refreshed = await svc.api.post('/auth/jwt/refresh/', { refresh: first.refresh });
    expect(refreshed.status).to.equal(200);
    secrets.push(refreshed.body.access, refreshed.body.refresh);
    const changed = 'Changed-passw0rd-9';
    secrets.push(changed);
    expect((await svc.api.post('/auth/users/set_password/', { current_password: DEFAULT_PASSWORD, new_password: changed, re_new_password: changed }, { token: refreshed.body.access })).status).to.equal(204);
    // A wrong password and a reset link used twice are refused (their answers must not leak them either).
    const wrong = 'Wrong-passw0rd-7';
    secrets.push(wrong);
    expect((await svc.api.post('/auth/jwt/create/', { email, password: wrong })).status).to.equal(401);
    before = await count();
    expect((await svc.api.post('/auth/users/reset_password/', { email })).status).to.equal(204);
    const reset = linkOf(await mailTo(dir, email, /Password reset/, before));
    const afterReset = 'Reset-passw0rd-8';
    secrets.push(reset.token, afterReset);
    expect((await svc.api.post('/auth/users/reset_password_confirm/', { uid: reset.uid, token: reset.token, new_password: afterReset })).status).to.equal(204);
    expect((await svc.api.post('/auth/users/reset_password_confirm/', { uid: reset.uid, token: reset.token, new_password: 'Again-passw0rd-6' })).status).to.equal(400);
    const logan = await login(svc, email, afterReset);
    secrets.push(logan.access, logan.refresh);

    const staff = await createStaff(svc, 'staff@example.com');
    secrets.push(staff.access, staff.refresh);
    const open = async () => (await svc.api.post('/accounts/', {}, { token: logan.access })).body.account_number as string;
    const [from, to] = [await open(), await open()];
    expect((await svc.api.post(`/admin/accounts/${from}/deposit/`, { amount: '900.000' }, { token: staff.access })).status).to.equal(201);
    before = await count();
    const pending = await svc.api.post('/transfers/internal/', { sender_account: from, receiver_account: to, amount: '600.000' }, { token: logan.access });
    expect(pending.status).to.equal(202);
    const code = /code is (\d{6})/.exec((await mailTo(dir, email, /Confirm Your Transfer/, before)).text)![1]!;
    secrets.push(code);
    expect((await svc.api.post('/transfers/confirm/', { transfer_id: pending.body.transfer_id, otp: code }, { token: logan.access })).status).to.equal(200);

    await new Promise((r) => setTimeout(r, 300));
    const log = svc.output();
    // The log is there (requests at debug, where each mail went), just without secrets.
    expect(log).to.include('email written to the outbox').and.include('/auth/users/reset_password_confirm');
    expectNoneIn(log, 'the service log', [...secrets, '$argon2'], ['password', 'new_password', 'current_password', 'otp', 'token']);
  });
});
