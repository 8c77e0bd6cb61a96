import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/infra/logger.js';
import { createMailer } from '../../../src/infra/mailer.js';

describe('mailer without an SMTP server', () => {
  let dir: string;
  let lines: string[];
  const logger = () => {
    lines = [];
    return createLogger({ logLevel: 'trace' }, 'test', new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
  };
  const mail = { to: 'ann@example.com', subject: 'Nexus Bank - Password reset', text: 'Choose a new password here: https://x/password/reset/confirm/u1/SECRET-LINK-TOKEN\n' };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('outbox: writes an .eml file (mode 0600) and logs only where it is', async () => {
    const outboxDir = join(dir, 'outbox');
    await createMailer({ emailMode: 'outbox', emailHost: undefined, emailPort: 25, emailFrom: 'noreply@x.test', outboxDir }, logger()).send(mail);
    const [file, ...more] = readdirSync(outboxDir);
    expect(more).to.have.length(0);
    expect(file).to.match(/\.eml$/);
    const parsed = await simpleParser(readFileSync(join(outboxDir, file!)));
    expect(parsed.subject).to.equal(mail.subject);
    expect(parsed.text).to.include('SECRET-LINK-TOKEN');
    expect(JSON.stringify(parsed.to)).to.include('ann@example.com');
    expect(statSync(join(outboxDir, file!)).mode & 0o777).to.equal(0o600);
    const log = lines.join('');
    expect(log).to.include(file!);
    expect(log).to.not.include('SECRET-LINK-TOKEN');
    expect(log).to.not.include('ann@example.com');
  });

  it('drop: sends nothing and logs only that a mail was dropped', async () => {
    await createMailer({ emailMode: 'drop', emailHost: undefined, emailPort: 25, emailFrom: 'noreply@x.test', outboxDir: join(dir, 'outbox') }, logger()).send(mail);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ msg: 'email dropped (EMAIL_MODE=drop)' });
    expect(lines[0]).to.not.include('SECRET-LINK-TOKEN').and.not.include('Password reset').and.not.include('ann@');
  });
});
