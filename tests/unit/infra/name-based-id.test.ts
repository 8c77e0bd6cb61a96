import { expect } from 'chai';
import { v5 } from 'uuid';
import { nameBasedIds } from '../../../src/infra/name-based-id.js';

describe('name-based ids', () => {
  const namespace = 'a3c1f6de-5d0f-4f1e-9b7a-3f4d2c1b0e9a';
  const idOf = nameBasedIds(namespace);

  it('equals the library v5 of the same name, unicode included (stored ids never change)', () => {
    for (const name of ['', 'transfer\u001fabc\u001fdebit', 'مرحبا/👋/ü', 'x'.repeat(500), 'a/b', 'ب'.repeat(300), '']) {
      expect(idOf(name), name).to.equal(v5(name, namespace));
    }
  });

  it('gives the id already stored for a known name, and different ids for different names', () => {
    // Computed with uuid's v5 before this helper existed: events already written carry it.
    expect(idOf('transfer\u001ft1\u001fdebit')).to.equal('122b3647-9a3c-5622-9083-2e4a4184b296');
    expect(idOf('a')).to.not.equal(idOf('b'));
    expect(idOf('a')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
