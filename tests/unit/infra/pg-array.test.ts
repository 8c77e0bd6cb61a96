import { expect } from 'chai';
import { PGlite } from '@electric-sql/pglite';
import { pgArray } from '../../../src/infra/pg-array.js';

describe('array parameters as text (pgArray)', function () {
  this.timeout(60_000);
  let db: PGlite;
  before(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  after(() => db.close());

  it('reads back every element as given: quotes, backslashes, braces, commas, spaces, empty strings, the word null, unicode, nulls', async () => {
    const values = ['plain', '', 'NULL', 'null', 'Null', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', ' lead', 'trail ', 'tab\there', 'line\nbreak', 'مرحبا 👋', null, undefined, '123'];
    const [row] = (await db.query<{ a: (string | null)[] }>('select $1::text[] as a', [pgArray(values)])).rows;
    expect(row!.a).to.deep.equal(values.map((v) => v ?? null));
  });

  it('writes numbers, bigints, dates and JSON as pg would', async () => {
    const at = new Date('2026-12-05T10:00:00.123Z');
    const [row] = (await db.query<{ n: string; t: string; j: string }>(
      `select $1::bigint[]::text as n, $2::timestamptz[] = array[$3::timestamptz] as t, $4::jsonb[]::text as j`,
      [pgArray([1, 9007199254740993n, '-5', null]), pgArray([at]), at.toISOString(), pgArray([JSON.stringify({ rate: '1.41', note: 'a "b" \\ c' }), { x: [1] }, null])],
    )).rows;
    expect(row!.n).to.equal('{1,9007199254740993,-5,NULL}');
    expect(row!.t).to.equal(true);
    expect(row!.j).to.equal('{"{\\"note\\": \\"a \\\\\\"b\\\\\\" \\\\\\\\ c\\", \\"rate\\": \\"1.41\\"}","{\\"x\\": [1]}",NULL}');
  });

  it('an empty array is {}', () => {
    expect(pgArray([])).to.equal('{}');
  });
});
