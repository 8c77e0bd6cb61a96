import type { RequestHandler, Response } from 'express';
import type { OpenApiDocument } from './bundle.js';
import { operationTable, type ContractOperation } from './operation-table.js';

/**
 * Who keeps the answer of a request with an Idempotency-Key, read from the
 * contract: `none` when the operation declares no Idempotency-Key parameter
 * (reads, anonymous requests), `route` when it says `x-idempotency: route`
 * (its route runs the key itself with runIdempotent, deriving the ids of the
 * money's events from it), else `service` (the HTTP layer's
 * idempotentCommands middleware).
 */
export type IdempotencyHandling = 'none' | 'service' | 'route';

export const IDEMPOTENCY_KEY_PARAM = '#/components/parameters/IdempotencyKey';

export function idempotencyHandling(op: ContractOperation): IdempotencyHandling {
  const keyed = (op.parameters ?? []).some((p) => {
    const param = p as { $ref?: string; name?: string; in?: string };
    return param.$ref === IDEMPOTENCY_KEY_PARAM || (param.in === 'header' && param.name?.toLowerCase() === 'idempotency-key');
  });
  if (!keyed) return 'none';
  return op['x-idempotency'] === 'route' ? 'route' : 'service';
}

/** One operation of the contract, as every middleware that reads it sees it. */
export interface ContractEntry {
  template: string;
  /** Lower case, as the contract spells it. */
  method: string;
  operation: ContractOperation;
  /** The path item (its shared parameters). */
  item: Record<string, unknown>;
  idempotency: IdempotencyHandling;
}

/** The operation a request is for, and its path parameters' raw (still percent-encoded) values. */
export interface MatchedOperation {
  entry: ContractEntry;
  names: string[];
  values: string[];
}

const LOCALS_KEY = 'contractOperation';

/**
 * Matches each request against the contract's path templates once, early, and
 * keeps the operation on res.locals: the metrics (route label), the security
 * gate, the request validator and the Idempotency-Key middleware all read it
 * from there (matchedOperation) instead of matching the path again.
 */
export function matchOperations(doc: OpenApiDocument): RequestHandler {
  const table = operationTable(doc, (template, method, operation, item): ContractEntry => ({
    template,
    method,
    operation,
    item,
    idempotency: idempotencyHandling(operation),
  }));
  return (req, res, next) => {
    const found = table.find(req.method, req.path);
    if (found) res.locals[LOCALS_KEY] = { entry: found.compiled, names: found.names, values: found.values } satisfies MatchedOperation;
    next();
  };
}

/** The contract operation matchOperations found for this request, if any. */
export const matchedOperation = (res: Pick<Response, 'locals'>): MatchedOperation | undefined =>
  res.locals?.[LOCALS_KEY] as MatchedOperation | undefined;
