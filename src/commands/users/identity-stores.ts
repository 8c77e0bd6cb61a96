import type { Config } from '../../config/config.js';
import type { Db } from '../../infra/db.js';
import { CredentialStore } from '../credentials/credential-store.js';
import { EmailIndex } from './email-index.js';

export interface IdentityStores {
  credentials: CredentialStore;
  emails: EmailIndex;
}

/** The command-side tables of identities: credentials (cmd.credentials) and the keyed email index (cmd.email_index). */
export async function openIdentityStores(db: Db, config: Pick<Config, 'emailHashKey'>): Promise<IdentityStores> {
  return { credentials: new CredentialStore(db), emails: new EmailIndex(db, config.emailHashKey) };
}
