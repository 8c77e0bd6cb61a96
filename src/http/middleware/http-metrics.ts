import type { RequestHandler } from 'express';
import { commandOutcomes, httpDuration } from '../../infra/metrics.js';
import type { OpenApiDocument } from '../openapi/bundle.js';
import { operationTable } from '../openapi/operation-table.js';

const outcomeOf = (status: number) => (status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'ok');

/**
 * Times every request and counts commands, labelled by the contract's path
 * template (never the raw path: ids would make a series per account).
 */
export function httpMetrics(doc: OpenApiDocument): RequestHandler {
  const table = operationTable(doc, (template) => template);
  return (req, res, next) => {
    const stop = httpDuration.startTimer();
    res.once('finish', () => {
      const route = table.find(req.method.toLowerCase(), req.originalUrl.split('?')[0]!)?.template ?? 'unmatched';
      const status = res.statusCode;
      stop({ method: req.method, route, status });
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && route !== 'unmatched') {
        commandOutcomes.inc({ route: `${req.method} ${route}`, outcome: outcomeOf(status) });
      }
    });
    next();
  };
}
