import type { AuthDeps } from './auth-deps.js';

type MailDeps = Pick<AuthDeps, 'config' | 'mailer' | 'logger'>;

const base = (deps: MailDeps) => deps.config.frontendUrl.replace(/\/+$/, '');

export const activationLink = (deps: MailDeps, uid: string, token: string) => `${base(deps)}/auth/activate/${uid}/${token}`;
export const resetLink = (deps: MailDeps, uid: string, token: string) => `${base(deps)}/password/reset/confirm/${uid}/${token}`;
export const emailResetLink = (deps: MailDeps, uid: string, token: string) => `${base(deps)}/email/reset/confirm/${uid}/${token}`;

/** "a***@example.com": enough for the owner to recognise, not a full address to whoever reads the old mailbox. */
export const maskedEmail = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
};

/**
 * Sends in the background: the caller's answer (and its timing) must not
 * depend on the mail server, and a failure is logged (without the mail's
 * address or text), never swallowed silently.
 */
function send(deps: MailDeps, to: string, subject: string, text: string): void {
  deps.mailer.send({ to, subject, text }).catch((err: unknown) => {
    deps.logger.error({ err, subject }, 'could not send email');
  });
}

export function sendActivationMail(deps: MailDeps, to: string, link: string): void {
  send(deps, to, 'Nexus Bank - Activate your account', `Welcome to Nexus Bank.\n\nActivate your account by opening this link:\n${link}\n\nIf you did not sign up, ignore this email.\n`);
}

export function sendActivatedMail(deps: MailDeps, to: string): void {
  send(deps, to, 'Nexus Bank - Account activated', 'Your Nexus Bank account is now active. You can log in.\n');
}

export function sendResetMail(deps: MailDeps, to: string, link: string): void {
  send(deps, to, 'Nexus Bank - Password reset', `Someone asked to reset your Nexus Bank password.\n\nChoose a new password here (the link works once and for one hour):\n${link}\n\nIf it was not you, ignore this email.\n`);
}

export function sendPasswordChangedMail(deps: MailDeps, to: string): void {
  send(deps, to, 'Nexus Bank - Password changed', 'Your Nexus Bank password was changed and every session was signed out. If it was not you, reset your password at once.\n');
}

export function sendEmailResetMail(deps: MailDeps, to: string, link: string): void {
  send(deps, to, 'Nexus Bank - Change your login email', `Someone asked to change the login email of your Nexus Bank account.\n\nChoose the new email here (the link works once and for one hour):\n${link}\n\nIf it was not you, ignore this email.\n`);
}

/** Both addresses learn of the change: the old one (to catch a takeover) and the new one (to confirm it works). */
export function sendEmailChangedMails(deps: MailDeps, oldEmail: string, newEmail: string): void {
  send(deps, oldEmail, 'Nexus Bank - Login email changed', `The login email of your Nexus Bank account was changed to ${maskedEmail(newEmail)}. If it was not you, contact the bank at once.\n`);
  send(deps, newEmail, 'Nexus Bank - Login email changed', 'This address is now the login email of your Nexus Bank account.\n');
}

export function sendClosedMail(deps: MailDeps, to: string): void {
  send(deps, to, 'Nexus Bank - Relationship closed', 'Your Nexus Bank accounts are closed, your cards cancelled and your personal data erased, as you asked. This is the last mail to this address.\n');
}

/** The mailed code of a two-step login (src/commands/two-factor/login-init.ts). */
export function sendLoginCodeMail(deps: MailDeps, to: string, code: string, ttlSeconds: number): void {
  const lasts = ttlSeconds % 60 === 0 ? `${ttlSeconds / 60} minute${ttlSeconds === 60 ? '' : 's'}` : `${ttlSeconds} seconds`;
  send(deps, to, 'Nexus Bank - Login Verification Code', `Your login code is ${code}. It expires in ${lasts} and works once.\n\nIf you did not try to log in, change your password: someone knows it.\n`);
}
