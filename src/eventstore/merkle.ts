import { hash } from 'node:crypto';

/** A stream as it stood at a position: its last revision there and that event's chain hash. */
export interface StreamHead {
  stream_id: string;
  revision: bigint;
  hash: string;
}

const NODE = Buffer.from([0x01]);

const sha256 = (data: Buffer | string): Buffer => hash('sha256', data, 'buffer');
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.concat([NODE, left, right], 65));

/**
 * The leaf data of a head: the canonical JSON (RFC 8785) of
 * `{"hash": <hex>, "revision": <decimal string>, "stream_id": <id>}` in UTF-8.
 * With string members only, RFC 8785 is exactly this (keys in code point
 * order, strings as ECMAScript's JSON.stringify writes them).
 */
export function headLeafData(head: StreamHead): string {
  return `{"hash":${JSON.stringify(head.hash)},"revision":"${head.revision.toString()}","stream_id":${JSON.stringify(head.stream_id)}}`;
}

/** The leaf hash, as RFC 6962 §2.1: SHA-256(0x00 || leaf data). */
export function headLeafHash(head: StreamHead): Buffer {
  return sha256(`\u0000${headLeafData(head)}`);
}

/**
 * RFC 6962 §2.1 Merkle Tree Hash, fed leaf by leaf in order and holding one
 * hash per level (O(log n) memory): for n > 1 leaves, with k the largest
 * power of two below n, MTH(D[0:n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]));
 * MTH of no leaves is SHA-256 of nothing.
 */
export class MerkleTreeHash {
  /** Complete subtrees, left to right: their heights strictly decrease. */
  private readonly stack: { height: number; hash: Buffer }[] = [];
  count = 0;

  pushLeaf(leafHash: Buffer): void {
    let node = { height: 0, hash: leafHash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.height === node.height) {
      const left = this.stack.pop()!;
      node = { height: node.height + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count++;
  }

  /** The root in lowercase hex; the leaves pushed so far stay. */
  root(): string {
    if (this.stack.length === 0) return sha256('').toString('hex');
    // The right-most subtrees join first, as the recursive definition splits.
    let top = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) top = nodeHash(this.stack[i]!.hash, top);
    return top.toString('hex');
  }
}

export interface HeadsRoot {
  merkle_root: string;
  stream_count: number;
}

/**
 * The Merkle root over every stream's head: one leaf per stream, leaves in
 * the order of the stream ids' UTF-8 bytes (which is Unicode code point order).
 */
export function headsMerkleRoot(heads: Iterable<StreamHead>): HeadsRoot {
  const keyed: { key: Buffer; head: StreamHead }[] = [];
  for (const head of heads) keyed.push({ key: Buffer.from(head.stream_id, 'utf8'), head });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const tree = new MerkleTreeHash();
  for (const { head } of keyed) tree.pushLeaf(headLeafHash(head));
  return { merkle_root: tree.root(), stream_count: tree.count };
}
