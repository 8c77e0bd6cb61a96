import { expect } from 'chai';
import { jsonListBody } from '../../../src/http/json-list-body.js';

describe('jsonListBody: a list of JSON texts written into one answer', () => {
  const same = (prefix: string, items: string[], suffix: string) => {
    const body = jsonListBody(prefix, items, suffix);
    expect(body.toString('utf8')).to.equal(`${prefix}[${items.join(',')}]${suffix}`);
    expect(body.length).to.equal(Buffer.byteLength(`${prefix}[${items.join(',')}]${suffix}`));
  };

  it('is the prefix, the items joined by commas in brackets, and the suffix', () => {
    same('{"from":"2026-01-01","results":', ['{"a":1}', '{"a":2}', '{"a":3}'], ',"next_cursor":null}');
    const parsed = JSON.parse(jsonListBody('{"results":', ['{"a":1}', '{"b":[2]}'], '}').toString()) as unknown;
    expect(parsed).to.deep.equal({ results: [{ a: 1 }, { b: [2] }] });
  });

  it('writes an empty list as []', () => {
    same('{"results":', [], '}');
    expect(jsonListBody('', [], '').toString()).to.equal('[]');
  });

  it('counts bytes, not characters, for text beyond ASCII', () => {
    same('{"note":"café","results":', ['{"name":"Zoë ☃"}', '{"emoji":"🏦"}'], ',"tail":"ü"}');
  });
});
