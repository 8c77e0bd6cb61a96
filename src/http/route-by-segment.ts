import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** A feature's router and the first path segments its routes live under (`transfers` for /transfers/...). */
export interface SegmentRoutes {
  segments: readonly string[];
  router: Router;
}

/**
 * Hands a request only to the routers that answer under its first path
 * segment, in the order given, instead of walking every router's routes for
 * every request. Segments match without regard to case, as Express routes do.
 */
export function routeBySegment(entries: readonly SegmentRoutes[]): RequestHandler {
  const bySegment = new Map<string, Router[]>();
  for (const { segments, router } of entries) {
    for (const segment of segments) {
      const key = segment.toLowerCase();
      bySegment.set(key, [...(bySegment.get(key) ?? []), router]);
    }
  }
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    const end = path.indexOf('/', 1);
    const routers = bySegment.get((end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase());
    if (!routers) return next();
    let i = 0;
    const step = (error?: unknown): void => {
      if (error) return next(error);
      const router = routers[i++];
      if (!router) return next();
      router(req, res, step);
    };
    step();
  };
}
