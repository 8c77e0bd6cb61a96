import type { AppDeps } from '../deps.js';
import type { SegmentRoutes } from '../route-by-segment.js';
import { riskIncidentRoutes } from './risk-incidents.js';
import { accountRoutes } from './accounts.js';
import { adminAccountRoutes } from './admin-accounts.js';
import { adminDepositRoutes } from './admin-deposits.js';
import { adminUserRoutes } from './admin-users.js';
import { adminViewRoutes } from './admin-views.js';
import { auditCheckpointRoutes } from './audit-checkpoints.js';
import { auditProjectionRoutes } from './audit-projections.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { billRoutes } from './bills.js';
import { businessRoutes } from './business.js';
import { cardRoutes } from './cards.js';
import { notificationRoutes } from './notifications.js';
import { notificationSocketRoutes } from './notifications-socket.js';
import { transferRoutes } from './transfers.js';
import { riskLoginRoutes } from './risk-logins.js';
import { axesRoutes } from './axes.js';

/** Every feature's routes, with the first path segments each answers under (checked by the e2e suites over every path). */
export function featureRoutes(deps: AppDeps): SegmentRoutes[] {
  return [
    { segments: ['auth'], router: authRoutes(deps) },
    { segments: ['accounts'], router: accountRoutes(deps) },
    { segments: ['admin'], router: adminDepositRoutes(deps) },
    { segments: ['admin'], router: adminAccountRoutes(deps) },
    { segments: ['admin'], router: adminUserRoutes(deps) },
    { segments: ['admin'], router: adminViewRoutes(deps) },
    { segments: ['risk'], router: riskIncidentRoutes(deps) },
    { segments: ['accounts', 'cards'], router: cardRoutes(deps) },
    { segments: ['notifications'], router: notificationRoutes(deps) },
    { segments: ['ws'], router: notificationSocketRoutes(deps) },
    { segments: ['billers', 'bill'], router: billRoutes(deps) },
    { segments: ['business'], router: businessRoutes(deps) },
    { segments: ['audit'], router: auditRoutes(deps) },
    { segments: ['audit'], router: auditProjectionRoutes(deps) },
    { segments: ['audit'], router: auditCheckpointRoutes(deps) },
    { segments: ['transfers'], router: transferRoutes(deps) },
    { segments: ['risk'], router: riskLoginRoutes(deps) },
    { segments: ['risk'], router: axesRoutes(deps) },
  ];
}
