import type { OpenApiDocument } from './bundle.js';

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The parts of an OpenAPI operation the HTTP layer reads. */
export interface ContractOperation {
  parameters?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> };
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
  /** `route` when the operation's route runs its Idempotency-Key itself (see matched-operation.ts). */
  'x-idempotency'?: string;
}

export interface OperationMatch<T> {
  template: string;
  /** The path parameters' names and their raw (still percent-encoded) values. */
  names: string[];
  values: string[];
  compiled: T;
}

interface Route<T> {
  template: string;
  regex: RegExp;
  names: string[];
  operations: Map<string, T>;
}

export const normalisePath = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/**
 * Finds the contract operation a request is for. `compile` prepares each
 * operation once; `find` answers the first path template that matches (literal
 * segments before parameters: /transfers/internal before /transfers/{id}) and
 * that template's operation for the method: undefined when the template has
 * none or no template matches. Literal segments match without regard to case.
 */
export function operationTable<T>(doc: OpenApiDocument, compile: (template: string, method: string, op: ContractOperation, item: Record<string, unknown>) => T) {
  const routes: Route<T>[] = Object.entries(doc.paths).map(([template, item]) => {
    const names: string[] = [];
    const source = normalisePath(template)
      .split('/')
      .map((seg) => {
        const m = /^\{(.+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    const operations = new Map<string, T>();
    for (const method of METHODS) {
      const op = item[method] as ContractOperation | undefined;
      if (op) operations.set(method, compile(template, method, op, item));
    }
    // Without regard to case, as Express routes match: /Transfers/Internal runs the route, so it is validated too.
    return { template, regex: new RegExp(`^${source}$`, 'i'), names, operations };
  });
  routes.sort((a, b) => a.names.length - b.names.length);

  return {
    find(method: string, path: string): OperationMatch<T> | undefined {
      const normalised = normalisePath(path);
      for (const route of routes) {
        const match = route.regex.exec(normalised);
        if (!match) continue;
        const compiled = route.operations.get(method.toLowerCase());
        if (compiled === undefined) return undefined;
        return { template: route.template, names: route.names, values: route.names.map((_, i) => match[i + 1] ?? ''), compiled };
      }
      return undefined;
    },
  };
}
