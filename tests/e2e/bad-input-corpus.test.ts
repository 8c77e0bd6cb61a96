import { expect } from 'chai';
import pg from 'pg';
import { contractErrors } from '../helpers/contract.js';
import { startService, type RunningService } from '../helpers/service.js';
import { createStaff, type Tokens } from '../helpers/users.js';

// Events that may legitimately appear while bad input is refused: the security record of each
// refusal, and whatever background processes (risk, settlement) append on their own.
const SECURITY_TYPES = ['AuthAttemptRecorded', 'SecurityHitsRecorded', 'LoginFailureCounted', 'LockedOut', 'LockoutCleared'];

const INJECTIONS = ["' OR 1=1 --", '<script>alert(1)</script>', '"; DROP TABLE es.events; --', '../../../../etc/passwd', '${jndi:ldap://x}', '{{7*7}}'];
const UNICODE = ['é𝕏\u202e\u200b', '\u0000', '\ud800', 'Ａ'.repeat(300)];
const AMOUNTS = ['-1.00', '-0.01', '1.0001', '0.0000001', '1e309', 'NaN', 'Infinity', '99999999999999999999.99', ' 1.00'];
const WRONG_TYPES: unknown[] = [-1, 1.5, 1e308, true, null, [], {}, [1, 2], { $gt: '' }];

type Schema = { $ref?: string; properties?: Record<string, Schema>; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };
type Operation = { parameters?: ({ $ref?: string; name?: string; in?: string })[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; parameters: Record<string, { name: string; in: string }> } };

function propertiesOf(doc: Doc, schema: Schema | undefined, depth = 0): string[] {
  if (!schema || depth > 5) return [];
  if (schema.$ref) return propertiesOf(doc, doc.components.schemas[schema.$ref.split('/').pop()!], depth + 1);
  const nested = [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].flatMap((s) => propertiesOf(doc, s, depth + 1));
  return [...new Set([...Object.keys(schema.properties ?? {}), ...nested])];
}

interface Case {
  method: string;
  /** The contract's path template the case is for. */
  template: string;
  path: string;
  raw?: string;
  body?: unknown;
  label: string;
}

/** Percent-encodes; a lone surrogate (not encodable) goes as its raw, invalid UTF-8 bytes. */
const enc = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};

function casesFor(doc: Doc): Case[] {
  const cases: Case[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const M = method.toUpperCase();
      const params = (op.parameters ?? []).map((p) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()!]! : p)) as { name: string; in: string }[];
      const fill = (value: string) => template.replace(/\{[^}]+\}/g, enc(value));
      const path = fill('00000000-0000-4000-8000-000000000000');
      if (template.includes('{')) {
        for (const v of [...INJECTIONS, ...UNICODE.slice(0, 2), '-1', '1.0001', '%']) cases.push({ method: M, template, path: fill(v), label: `path ${v}` });
      }
      for (const q of params.filter((p) => p.in === 'query')) {
        for (const v of [...INJECTIONS, ...UNICODE, ...AMOUNTS.slice(0, 3)]) {
          cases.push({ method: M, template, path: `${path}?${q.name}=${enc(v)}`, label: `query ${q.name}=${v}` });
        }
        cases.push({ method: M, template, path: `${path}?${q.name}=a&${q.name}=b`, label: `query ${q.name} twice` });
      }
      if (method === 'get' || method === 'delete') continue;
      const props = propertiesOf(doc, op.requestBody?.content?.['application/json']?.schema);
      cases.push(
        { method: M, template, path, raw: '{"email": "a@b.co",', label: 'malformed JSON' },
        { method: M, template, path, raw: "{'single': 'quotes'}", label: 'not JSON' },
        { method: M, template, path, raw: JSON.stringify({ pad: 'x'.repeat(17_000) }), label: 'oversized body' },
        { method: M, template, path, raw: '[]', label: 'array body' },
        { method: M, template, path, raw: '"text"', label: 'string body' },
        { method: M, template, path, raw: 'null', label: 'null body' },
        { method: M, template, path, raw: '{"__proto__": {"is_staff": true}, "constructor": {"prototype": {"x": 1}}}', label: 'prototype pollution' },
      );
      if (props.length === 0) continue;
      for (const v of [...INJECTIONS, ...UNICODE, ...AMOUNTS, ...WRONG_TYPES]) {
        cases.push({ method: M, template, path, body: Object.fromEntries(props.map((p) => [p, v])), label: `every field = ${JSON.stringify(v).slice(0, 40)}` });
      }
      cases.push({ method: M, template, path, body: { ...Object.fromEntries(props.map((p) => [p, 'x'])), unexpected_field: 1 }, label: 'unknown field' });
    }
  }
  return cases;
}

describe('bad-input corpus over every endpoint of the OpenAPI document (end to end)', function () {
  this.timeout(300_000);
  let svc: RunningService;
  let db: pg.Client;
  let staff: Tokens;

  // Highest position of an event a request could have caused (security records and background processes excluded).
  const changeMark = async () =>
    (await db.query<{ p: string }>(
      `select coalesce(max(position), 0)::text as p from es.events
        where not (type = any($1)) and coalesce(metadata->'actor'->>'role', '') not like 'system:%'`, [SECURITY_TYPES])).rows[0]!.p;

  before(async () => {
    svc = await startService();
    db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
    staff = await createStaff(svc, 'corpus-staff@example.com');
  });
  after(async () => {
    await db?.end();
    await svc?.stop();
  });

  it('answers every malformed, oversized, mistyped, unicode, negative or over-precise amount and injection input with a 4xx problem+json, and changes nothing', async () => {
    const doc = (await svc.api.get('/api/schema/openapi.json')).body as Doc;
    // Logout ends the caller's session (that is its job, whatever it is sent): run it last, so that
    // every other case is answered for a live staff session rather than a 401.
    const all = casesFor(doc);
    const cases = [...all.filter((c) => !c.path.startsWith('/auth/logout')), ...all.filter((c) => c.path.startsWith('/auth/logout'))];
    const firstLogout = cases.findIndex((c) => c.path.startsWith('/auth/logout'));
    expect(Object.keys(doc.paths).length).to.be.greaterThan(10);
    const failures: string[] = [];
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    for (const [i, c] of cases.entries()) {
      if (i === firstLogout) expect((await svc.api.get('/auth/users/me/', { token: staff.access })).status, 'staff session still live').to.equal(200);
      const before = await changeMark();
      const res = await svc.api.request(c.method, c.path, c.body, { token: staff.access, ...(c.raw !== undefined ? { raw: c.raw } : {}) });
      const after = await changeMark();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `${c.method} ${c.path.slice(0, 80)} [${c.label}] -> ${res.status}`;
      // Whatever the answer, the contract documents it (status, media type, body, headers).
      for (const e of contractErrors(c.method, c.template, res)) failures.push(`${where}: ${e}`);
      if (res.status >= 500) failures.push(`${where} ${JSON.stringify(res.body).slice(0, 200)}`);
      else if (res.status >= 400) {
        if (!/application\/problem\+json/.test(res.headers.get('content-type') ?? '')) failures.push(`${where}: not problem+json`);
        else if (typeof res.body?.code !== 'string') failures.push(`${where}: no code`);
        if (after !== before) failures.push(`${where}: refused but the event store changed (${before} -> ${after})`);
      } else {
        // Only valid text may be accepted (stored verbatim in a free-text field such as a name), never a bad type
        // or a malformed body; money endpoints refuse the amount strings (they would show up here as accepted).
        const body = c.body as Record<string, unknown> | undefined;
        const value = body ? Object.values(body)[0] : undefined;
        const textual = c.raw === undefined && typeof value === 'string' && !UNICODE.slice(1, 3).includes(value);
        if (c.method !== 'GET' && !textual) failures.push(`${where}: accepted`);
        else accepted.push(where);
      }
    }
    console.log(`      ${cases.length} bad requests over ${Object.keys(doc.paths).length} paths; accepted as plain text: ${accepted.filter((a) => !a.startsWith('GET')).length}`);
    console.log(`      statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    for (const a of accepted.filter((x) => !x.startsWith('GET'))) console.log(`        ${a}`);
    expect(failures, failures.slice(0, 30).join('\n')).to.deep.equal([]);
  });
});
