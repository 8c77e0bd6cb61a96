import { expect } from 'chai';
import { bundleOpenApi } from '../../../src/http/openapi/bundle.js';
import { contractAjv } from '../../../src/http/openapi/contract-ajv.js';
import { INT64_MAX, positionOf } from '../../../src/http/position-params.js';

describe('position parameters', () => {
  it('reads a position from 0 to int64 max and nothing else', () => {
    expect(positionOf('0')).to.equal(0n);
    expect(positionOf('0042')).to.equal(42n);
    expect(positionOf(INT64_MAX.toString())).to.equal(INT64_MAX);
    for (const bad of [(INT64_MAX + 1n).toString(), '9999999999999999999', '1'.repeat(40), '-1', '+1', '1.0', '1e3', ' 1', '', 'abc']) {
      expect(positionOf(bad), bad).to.equal(undefined);
    }
  });

  it('makes the contract refuse a min_position past int64 (format int64 on strings)', () => {
    const ajv = contractAjv(bundleOpenApi());
    const validate = ajv.compile({ $ref: 'openapi.json#/components/parameters/MinPosition/schema' });
    expect(validate(INT64_MAX.toString())).to.equal(true);
    expect(validate((INT64_MAX + 1n).toString())).to.equal(false);
    expect(validate('-1')).to.equal(false);
  });
});
