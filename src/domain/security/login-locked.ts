import { DomainError } from '../shared/domain-error.js';

/** The lock in force on a login: the IP's, or the email+IP pair's, until when. */
export interface Lock {
  scope: 'ip' | 'pair';
  until: Date;
}

/** A login refused by a lockout, before the password was checked; `retry_after` is in whole seconds from `now`. */
export class LoginLocked extends DomainError {
  override readonly name = 'LoginLocked';
  constructor(
    readonly lock: Lock,
    now: Date,
  ) {
    const seconds = Math.max(1, Math.ceil((lock.until.getTime() - now.getTime()) / 1000));
    super('login_locked', 'Too many failed login attempts. Try again later.', 423, { retry_after: seconds });
  }
}
