import { createHash } from 'node:crypto';
import { expect } from 'chai';
import canonicalize from 'canonicalize';
import { headLeafData, headLeafHash, headsMerkleRoot, MerkleTreeHash, type StreamHead } from '../../../src/eventstore/merkle.js';

const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

/** RFC 6962 §2.1 written as its recursion, to hold the one-pass builder against. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const head = (stream_id: string, revision = 3n, hash = 'a'.repeat(64)): StreamHead => ({ stream_id, revision, hash });

describe('audit: Merkle root of the stream heads', () => {
  it('gives the Certificate Transparency reference roots for its eight test leaves', () => {
    // The leaf inputs and roots of the RFC 6962 reference tests (certificate-transparency, merkle_tree_test).
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const tree = new MerkleTreeHash();
    expect(tree.root()).to.equal(sha().toString('hex'));
    inputs.forEach((hex, i) => {
      tree.pushLeaf(sha(Buffer.from([0]), Buffer.from(hex, 'hex')));
      expect(tree.root(), `${i + 1} leaves`).to.equal(roots[i]);
    });
  });

  it('equals the recursive definition for every size up to 70', () => {
    const leaves: Buffer[] = [];
    const tree = new MerkleTreeHash();
    for (let n = 1; n <= 70; n++) {
      const leaf = sha(Buffer.from(`leaf ${n}`));
      leaves.push(leaf);
      tree.pushLeaf(leaf);
      expect(tree.root(), `${n} leaves`).to.equal(mth(leaves).toString('hex'));
    }
  });

  it('encodes a leaf as the canonical JSON of stream id, revision and hash, behind a 0x00 byte', () => {
    for (const h of [head('account-1'), head('üñî "quoted" \\ \n\u0001', 12345678901234567890n), head('')]) {
      const data = headLeafData(h);
      expect(data).to.equal(canonicalize({ stream_id: h.stream_id, revision: h.revision.toString(), hash: h.hash }));
      expect(headLeafHash(h).equals(sha(Buffer.from([0]), Buffer.from(data, 'utf8')))).to.equal(true);
    }
  });

  it('orders the leaves by the UTF-8 bytes of the stream ids, whatever order the heads come in', () => {
    const heads = [head('b'), head('a-2'), head('\u{10000}'), head('\uE000'), head('a')];
    const ordered = ['a', 'a-2', 'b', '\uE000', '\u{10000}'].map((id) => heads.find((h) => h.stream_id === id)!);
    const expected = mth(ordered.map(headLeafHash)).toString('hex');
    expect(headsMerkleRoot(heads)).to.deep.equal({ merkle_root: expected, stream_count: 5 });
    expect(headsMerkleRoot([...heads].reverse()).merkle_root).to.equal(expected);
    // UTF-16 order would put U+10000 (a surrogate pair) before U+E000.
    const utf16 = [...heads].sort((x, y) => (x.stream_id < y.stream_id ? -1 : 1));
    expect(mth(utf16.map(headLeafHash)).toString('hex')).to.not.equal(expected);
  });

  it('changes with any head: revision, hash, id, or one stream more', () => {
    const base = [head('a'), head('b'), head('c')];
    const root = headsMerkleRoot(base).merkle_root;
    const variants = [
      [head('a', 4n), head('b'), head('c')],
      [head('a'), head('b', 3n, 'b'.repeat(64)), head('c')],
      [head('a'), head('b'), head('d')],
      [...base, head('e')],
      base.slice(1),
    ];
    for (const v of variants) expect(headsMerkleRoot(v).merkle_root).to.not.equal(root);
  });
});
