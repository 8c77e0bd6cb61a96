import type { RequestHandler } from 'express';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { HttpProblem } from '../problem.js';
import type { OpenApiDocument } from './bundle.js';
import { CONTRACT_ID, contractAjv, pointer } from './contract-ajv.js';
import { matchedOperation, type ContractEntry } from './matched-operation.js';

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: object;
}

interface CompiledOperation {
  pathValidators: Map<string, ValidateFunction>;
  query?: ValidateFunction;
  queryNames: Set<string>;
  /** Query parameters the contract types as integers. */
  integers: Set<string>;
  headers: { name: string; required: boolean; validate: ValidateFunction }[];
  body?: { required: boolean; validate: ValidateFunction };
}

function fieldOf(error: ErrorObject, where: string): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty) : '';
  const extra = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty?: string }).additionalProperty) : '';
  return [where, path, missing || extra].filter((p) => p.length > 0).join('.');
}

function problem(errors: ErrorObject[] | null | undefined, where: string): HttpProblem {
  const list = (errors ?? []).slice(0, 20).map((e) => ({ field: fieldOf(e, where), message: e.message ?? 'is invalid' }));
  const first = list[0];
  return new HttpProblem(400, 'validation_error', first ? `${first.field}: ${first.message}` : 'Invalid request.', { errors: list });
}

/** A copy of a schema whose local `#/...` references point into the registered document. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${CONTRACT_ID}${value}` : value,
  ) as object;
}

/**
 * Validates every request that matches an operation of the contract: path
 * parameters (a mismatch is a 404, the resource cannot exist), query parameters,
 * headers and the JSON body (400 problem with every error listed). The
 * operation is the one matchOperations found; a request it found none for passes.
 */
export function requestValidator(doc: OpenApiDocument): RequestHandler {
  // Made with the first operation compiled: registering the document costs a tenth of a second.
  let instance: ReturnType<typeof contractAjv> | undefined;
  const ajv = () => (instance ??= contractAjv(doc));
  const ref = (...parts: string[]) => ajv().compile({ $ref: `${CONTRACT_ID}#/${pointer(...parts)}` });
  const resolveParam = (p: Parameter | { $ref: string }): Parameter => {
    const param = '$ref' in p ? ((doc.components.parameters?.[p.$ref.split('/').pop() ?? ''] ?? {}) as Parameter) : p;
    return param.schema ? { ...param, schema: rebase(param.schema) } : param;
  };

  // Each operation's validators are compiled on its first request: compiling them all took about
  // half a second of every start, and most operations are not asked for soon after one.
  const compiledOps = new WeakMap<ContractEntry, CompiledOperation>();
  const compile = ({ template, method, operation: op, item }: ContractEntry): CompiledOperation => {
    const shared = ((item as { parameters?: Parameter[] }).parameters ?? []).map(resolveParam);
    const params = [...shared, ...((op.parameters ?? []) as Parameter[]).map(resolveParam)];
    const pathValidators = new Map<string, ValidateFunction>();
    const queryProps: Record<string, object> = {};
    const queryRequired: string[] = [];
    const headers: CompiledOperation['headers'] = [];
    for (const p of params) {
      const schema = p.schema ?? {};
      if (p.in === 'path') pathValidators.set(p.name, ajv().compile(schema));
      if (p.in === 'query') {
        queryProps[p.name] = schema;
        if (p.required) queryRequired.push(p.name);
      }
      if (p.in === 'header') headers.push({ name: p.name.toLowerCase(), required: p.required === true, validate: ajv().compile(schema) });
    }
    // A query string carries text: an integer parameter is checked as the number its digits spell.
    const integers = new Set(Object.entries(queryProps).filter(([, s]) => (s as { type?: unknown }).type === 'integer').map(([name]) => name));
    const compiled: CompiledOperation = { pathValidators, queryNames: new Set(Object.keys(queryProps)), integers, headers };
    if (Object.keys(queryProps).length > 0) {
      compiled.query = ajv().compile({ type: 'object', properties: queryProps, required: queryRequired });
    }
    if (op.requestBody?.content?.['application/json']) {
      compiled.body = {
        required: op.requestBody.required === true,
        validate: ref('paths', template, method, 'requestBody', 'content', 'application/json', 'schema'),
      };
    }
    return compiled;
  };
  const compiledOf = (entry: ContractEntry) => {
    let compiled = compiledOps.get(entry);
    if (!compiled) compiledOps.set(entry, (compiled = compile(entry)));
    return compiled;
  };

  return (req, res, next) => {
    const found = matchedOperation(res);
    if (!found) return next();
    const op = compiledOf(found.entry);
    for (const [i, name] of found.names.entries()) {
      const validate = op.pathValidators.get(name);
      let value: string;
      try {
        value = decodeURIComponent(found.values[i] ?? '');
      } catch {
        return next(new HttpProblem(404, 'not_found', 'Not found.'));
      }
      if (validate && !validate(value)) return next(new HttpProblem(404, 'not_found', 'Not found.'));
    }
    if (op.query) {
      const query: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.query)) {
        if (op.queryNames.has(k)) query[k] = op.integers.has(k) && typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
      }
      if (!op.query(query)) return next(problem(op.query.errors, 'query'));
    }
    for (const h of op.headers) {
      const value = req.headers[h.name];
      if (value === undefined) {
        if (h.required) return next(new HttpProblem(400, 'validation_error', `header ${h.name} is required.`));
        continue;
      }
      if (!h.validate(value)) return next(problem(h.validate.errors, `header.${h.name}`));
    }
    if (op.body) {
      // express.json() leaves req.body undefined unless the body is JSON.
      let body: unknown = req.body;
      if (body === undefined) {
        const sent = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
        if (sent) return next(new HttpProblem(415, 'unsupported_media_type', 'Send the body as application/json.'));
        if (op.body.required) {
          return next(new HttpProblem(400, 'validation_error', 'A JSON request body is required.', { errors: [{ field: 'body', message: 'is required' }] }));
        }
        body = {};
      }
      if (!op.body.validate(body)) return next(problem(op.body.validate.errors, 'body'));
      req.body = body;
    }
    next();
  };
}
