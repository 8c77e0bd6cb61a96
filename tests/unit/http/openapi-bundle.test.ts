import { expect } from 'chai';
import { bundleOpenApi } from '../../../src/http/openapi/bundle.js';
import { BUNDLE_FILE, loadOpenApi } from '../../../src/http/openapi/load.js';

describe('the served contract', () => {
  it('openapi/openapi.json (what the service loads) is the bundle of the YAML fragments: run `npm run openapi` after editing them', () => {
    expect(loadOpenApi(), BUNDLE_FILE).to.deep.equal(bundleOpenApi());
  });
});
