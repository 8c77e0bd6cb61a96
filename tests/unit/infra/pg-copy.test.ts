import { expect } from 'chai';
import { postgresDb, type Db } from '../../../src/infra/db.js';
import { copyText } from '../../../src/infra/pg-copy.js';
import { insertRows, loadTransaction, type RowColumn } from '../../../src/projections/runtime/insert-rows.js';
import { freshDatabase, type ScratchDatabase } from '../../helpers/postgres.js';

interface Row {
  id: number;
  t: string | null;
  n: bigint | string | null;
  at: Date | string | null;
  j: unknown;
}

const COLUMNS: readonly RowColumn<Row>[] = [['id', 'int'], ['t', 'text'], ['n', 'bigint'], ['at', 'timestamptz'], ['j', 'jsonb']];

describe('rows by COPY (copyText, insertRows in a rebuild load)', function () {
  this.timeout(60_000);
  let database: ScratchDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase('pg_copy');
    db = postgresDb(database.url, 2);
  });
  after(async () => {
    await db.end();
    await database.drop();
  });
  beforeEach(async () => {
    await db.query('drop table if exists copied; create table copied (id int primary key, t text, n bigint, at timestamptz, j jsonb)');
  });

  it('reads back every value as given: tabs, newlines, carriage returns, backslashes, the text \\N, empty strings, unicode, nulls', async () => {
    const texts = ['plain', '', '\\N', 'NULL', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\t', 'end\\', ' lead', 'مرحبا 👋', null];
    const rows: Row[] = texts.map((t, id) => ({ id, t, n: null, at: null, j: null }));
    await db.transaction(async (tx) => tx.copyFrom!('copy copied (id, t, n, at, j) from stdin', copyText(rows, ['id', 't', 'n', 'at', 'j'])));
    const back = await db.query<{ t: string | null }>('select t from copied order by id');
    expect(back.map((r) => r.t)).to.deep.equal(texts);
  });

  it('gives the UTF-8 bytes of the COPY text, past the buffer it starts with (long and multi-byte values)', async () => {
    const long = 'ب👋\t'.repeat(5_000);
    const rows: Row[] = [
      { id: 1, t: 'a\tb', n: 7n, at: null, j: { k: 'v' } },
      { id: 2, t: long, n: null, at: new Date('2026-12-05T10:00:00.123Z'), j: null },
    ];
    const text = copyText(rows, ['id', 't', 'n', 'at', 'j']);
    const expected = `1\ta\\tb\t7\t\\N\t{"k":"v"}\n2\t${'ب👋\\t'.repeat(5_000)}\t\\N\t2026-12-05T10:00:00.123Z\t\\N\n`;
    expect(Buffer.isBuffer(text) && text.equals(Buffer.from(expected, 'utf8'))).to.equal(true);
    await db.transaction(async (tx) => tx.copyFrom!('copy copied (id, t, n, at, j) from stdin', text));
    expect(await db.query('select t from copied order by id')).to.deep.equal([{ t: 'a\tb' }, { t: long }]);
  });

  it('writes bigints, dates and JSON as the unnest insert does', async () => {
    const at = new Date('2026-12-05T10:00:00.123Z');
    const rows: Row[] = [
      { id: 1, t: 'a', n: 9007199254740993n, at, j: { rate: '1.41', note: 'a "b" \\ c\td' } },
      { id: 2, t: 'b', n: '-5', at: at.toISOString(), j: JSON.stringify({ x: [1, 'y\nz'] }) },
      { id: 3, t: null, n: null, at: null, j: null },
    ];
    await db.transaction(async (tx) => insertRows(loadTransaction(tx), 'copied', COLUMNS, rows));
    const copied = await db.query('select id, t, n::text, at, j::text from copied order by id');
    await db.query('truncate copied');
    await db.transaction(async (tx) => insertRows(tx, 'copied', COLUMNS, rows));
    const inserted = await db.query('select id, t, n::text, at, j::text from copied order by id');
    expect(copied).to.deep.equal(inserted);
    expect(copied[0]).to.deep.include({ n: '9007199254740993', j: '{"note": "a \\"b\\" \\\\ c\\td", "rate": "1.41"}' });
  });

  it('copies only in a load: there a key met twice fails the load, elsewhere onConflict skips it', async () => {
    const rows: Row[] = [{ id: 1, t: 'first', n: null, at: null, j: null }];
    const again: Row[] = [{ id: 1, t: 'second', n: null, at: null, j: null }];
    await db.transaction(async (tx) => insertRows(tx, 'copied', COLUMNS, rows, 'on conflict (id) do nothing'));
    await db.transaction(async (tx) => insertRows(tx, 'copied', COLUMNS, again, 'on conflict (id) do nothing'));
    expect(await db.query('select t from copied')).to.deep.equal([{ t: 'first' }]);
    let failure: unknown;
    await db.transaction(async (tx) => insertRows(loadTransaction(tx), 'copied', COLUMNS, again, 'on conflict (id) do nothing')).catch((e: unknown) => (failure = e));
    expect(String(failure)).to.match(/duplicate key/);
    expect(await db.query('select t from copied')).to.deep.equal([{ t: 'first' }]);
  });
});
