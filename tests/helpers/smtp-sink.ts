import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on loopback that keeps every mail, for end-to-end tests. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private waiters: (() => void)[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to].flat().flatMap((a) => (a ? a.value.map((v) => (v.address ?? '').toLowerCase()) : []));
          this.mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
          for (const w of this.waiters.splice(0)) w();
          callback();
        })
        .catch(callback);
    },
  });

  port = 0;
  /** Connection errors (a client killed mid-mail resets its socket); kept, never thrown. */
  readonly errors: Error[] = [];

  async start(): Promise<this> {
    // Without a listener, an 'error' (ECONNRESET from a sender killed mid-mail) would be an uncaught exception.
    this.server.on('error', (error: Error) => this.errors.push(error));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** The newest mail to `to` whose subject matches, waiting up to `timeoutMs`. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 10_000, after = 0): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.slice(after).filter((m) => m.to.includes(to.toLowerCase()) && subject.test(m.subject)).pop();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
