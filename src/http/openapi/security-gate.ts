import type { RequestHandler } from 'express';
import type { Principal } from '../auth/principal.js';
import { forbidden, unauthorized } from '../problem.js';
import type { OpenApiDocument } from './bundle.js';
import { matchedOperation } from './matched-operation.js';

type Requirement = Record<string, string[]>;

/** The only security scheme of the contract: a bearer access token, whose role names a requirement may list. */
const BEARER = 'bearer';

/**
 * Who may call an operation, from its `security` (else the document's): null
 * for anyone (no requirement, or an empty one), else the alternatives, each a
 * list of roles the caller must all hold (none: any authenticated caller).
 */
export function roleAlternatives(requirements: Requirement[] | undefined): string[][] | null {
  if (!requirements || requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return null;
  // A requirement naming a scheme other than bearer cannot be met by a bearer caller: never matches.
  return requirements.filter((r) => Object.keys(r).every((scheme) => scheme === BEARER)).map((r) => r[BEARER] ?? []);
}

const allowed = (caller: Principal, alternatives: string[][]) =>
  alternatives.some((roles) => roles.every((role) => (caller.roles as string[]).includes(role)));

/**
 * Refuses a request the contract says its caller may not make, before its body
 * is read or validated: 401 without credentials on an operation that needs
 * them, 403 when the caller holds none of the role sets the operation's
 * security requirements list. Public operations (register, login, reset) pass
 * on to validation; the routes keep their own guards. Reads the operation
 * matchOperations found (a request it found none for passes).
 */
export function securityGate(doc: OpenApiDocument): RequestHandler {
  return (req, res, next) => {
    const operation = matchedOperation(res)?.entry.operation;
    const alternatives = operation ? roleAlternatives(operation.security ?? (doc.security as Requirement[] | undefined)) : null;
    if (!alternatives) return next();
    if (!req.principal) return next(unauthorized());
    if (!allowed(req.principal, alternatives)) return next(forbidden());
    next();
  };
}
