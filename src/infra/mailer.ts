import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config/config.js';
import type { Logger } from './logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

type MailConfig = Pick<Config, 'emailMode' | 'emailHost' | 'emailPort' | 'emailFrom' | 'outboxDir'>;

/**
 * Mails carry codes and one-time links, so their text never reaches a log.
 * `smtp`: sent through EMAIL_HOST. `outbox` (development only): each mail is
 * an .eml file (mode 0600) in the outbox folder and the log says only which
 * file. `drop`: nothing is sent and the log says only that a mail was dropped.
 * nodemailer is loaded with the first mail, not at start.
 */
export function createMailer(config: MailConfig, logger: Logger): Mailer {
  switch (config.emailMode) {
    case 'drop':
      return {
        async send() {
          logger.info('email dropped (EMAIL_MODE=drop)');
        },
      };
    case 'outbox':
      return outboxMailer(config, logger);
    case 'smtp':
      return smtpMailer(config);
  }
}

/** A transport made on first use. */
function lazyTransport(make: (nodemailer: typeof import('nodemailer')) => Transporter): () => Promise<Transporter> {
  let transport: Promise<Transporter> | undefined;
  return () => (transport ??= import('nodemailer').then((m) => make(m.default as unknown as typeof import('nodemailer'))));
}

function outboxMailer(config: MailConfig, logger: Logger): Mailer {
  const compose = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  return {
    async send(mail) {
      const info = await (await compose()).sendMail({ from: config.emailFrom, to: mail.to, subject: mail.subject, text: mail.text });
      await mkdir(config.outboxDir, { recursive: true, mode: 0o700 });
      const file = join(config.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      logger.info({ outbox_file: file }, 'email written to the outbox (EMAIL_MODE=outbox)');
    },
  };
}

function smtpMailer(config: MailConfig): Mailer {
  const host = config.emailHost;
  const transport = lazyTransport((nodemailer) =>
    nodemailer.createTransport({
      host,
      port: config.emailPort,
      secure: false,
      ignoreTLS: config.emailPort === 25 || host === '127.0.0.1' || host === 'localhost',
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    }),
  );
  return {
    async send(mail) {
      await (await transport()).sendMail({ from: config.emailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
