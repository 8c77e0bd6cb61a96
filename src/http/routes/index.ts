import type { Router } from 'express';
import type { AppDeps } from '../deps.js';

/** Every feature's routes, in one list. */
export function featureRoutes(_deps: AppDeps): Router[] {
  return [];
}
