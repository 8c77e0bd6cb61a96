import type { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { riskIncidentRoutes } from './risk-incidents.js';
import { accountRoutes } from './accounts.js';
import { adminAccountRoutes } from './admin-accounts.js';
import { adminDepositRoutes } from './admin-deposits.js';
import { adminUserRoutes } from './admin-users.js';
import { auditProjectionRoutes } from './audit-projections.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { billRoutes } from './bills.js';
import { businessRoutes } from './business.js';
import { cardRoutes } from './cards.js';
import { notificationRoutes } from './notifications.js';
import { transferRoutes } from './transfers.js';

/** Every feature's routes, in one list. */
export function featureRoutes(_deps: AppDeps): Router[] {
  return [
    authRoutes(_deps),
    accountRoutes(_deps),
    adminDepositRoutes(_deps),
    adminAccountRoutes(_deps),
    adminUserRoutes(_deps),
    riskIncidentRoutes(_deps),
    cardRoutes(_deps),
    notificationRoutes(_deps),
    billRoutes(_deps),
    businessRoutes(_deps),
    auditRoutes(_deps),
    auditProjectionRoutes(_deps),
    transferRoutes(_deps),
  ];
}
