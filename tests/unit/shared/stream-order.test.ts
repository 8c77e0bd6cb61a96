import { expect } from 'chai';
import { StreamOrder } from '../../../src/commands/shared/stream-order.js';

describe('StreamOrder: the order of a group append keeps each unit its own order', () => {
  it('sorts every stream after those its units put before it, first seen first', () => {
    const order = new StreamOrder();
    expect(order.add(['a', 'b', 'fee'])).to.equal(true);
    expect(order.add(['c', 'd', 'fee'])).to.equal(true);
    expect(order.add(['e', 'a'])).to.equal(true);
    const sorted = order.sorted();
    expect(sorted).to.have.members(['a', 'b', 'c', 'd', 'e', 'fee']);
    const at = (s: string) => sorted.indexOf(s);
    expect(at('a')).to.be.lessThan(at('b'));
    expect(at('b')).to.be.lessThan(at('fee'));
    expect(at('d')).to.be.lessThan(at('fee'));
    expect(at('e')).to.be.lessThan(at('a'));
    expect(sorted[0]).to.equal('c');
  });

  it('refuses a chain that contradicts the group, directly or through other units, and keeps nothing of it', () => {
    const order = new StreamOrder();
    expect(order.add(['a', 'b'])).to.equal(true);
    expect(order.add(['b', 'a'])).to.equal(false);
    expect(order.add(['b', 'c'])).to.equal(true);
    expect(order.add(['c', 'x', 'a'])).to.equal(false);
    expect(order.sorted()).to.deep.equal(['a', 'b', 'c']);
  });
});
