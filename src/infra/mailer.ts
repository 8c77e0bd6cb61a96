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

/**
 * SMTP through nodemailer when EMAIL_HOST is set. Without it (local runs) mails
 * are written to the log, never silently dropped.
 */
export function createMailer(config: Pick<Config, 'emailHost' | 'emailPort' | 'emailFrom'>, logger: Logger): Mailer {
  if (!config.emailHost) {
    return {
      async send(mail) {
        logger.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, 'email (no EMAIL_HOST: logged, not sent)');
      },
    };
  }
  const host = config.emailHost;
  // nodemailer is loaded with the first mail, not at start.
  let transport: Promise<Transporter> | undefined;
  const open = async () =>
    (await import('nodemailer')).default.createTransport({
      host,
      port: config.emailPort,
      secure: false,
      ignoreTLS: config.emailPort === 25 || host === '127.0.0.1' || host === 'localhost',
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    });
  return {
    async send(mail) {
      transport ??= open();
      await (await transport).sendMail({ from: config.emailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
