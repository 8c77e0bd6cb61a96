import { accountsProjection } from './accounts/accounts-projection.js';
import { adminProjection } from './admin/admin-projection.js';
import { billsProjection } from './bills/bills-projection.js';
import { businessProjection } from './business/business-projection.js';
import { cardsProjection } from './cards/cards-projection.js';
import { lockoutsProjection } from './lockouts/lockouts-projection.js';
import { loginsProjection } from './logins/logins-projection.js';
import { notificationsProjection } from './notifications/notifications-projection.js';
import { riskProjection } from './risk/risk-projection.js';
import type { Projection } from './runtime/projection.js';
import { transfersProjection } from './transfers/transfers-projection.js';
import { usersProjection } from './users/users-projection.js';

/** Every read model the service keeps, in one list. */
export function allProjections(): Projection[] {
  return [
    accountsProjection,
    cardsProjection,
    notificationsProjection,
    loginsProjection,
    lockoutsProjection,
    billsProjection,
    transfersProjection,
    businessProjection,
    riskProjection,
    adminProjection,
    usersProjection,
  ];
}
