import { expect } from 'chai';
import { Identity, IdentityRejectedError } from '../../../../src/index.js';
import { instantOf, pageOf } from '../../../../src/adapters/in-memory/simulation/listing.js';

function identity(
  id: string,
  createdAt: string,
  changes: Partial<Parameters<typeof Identity.rehydrate>[0]> = {},
): Identity {
  return Identity.rehydrate({
    id,
    type: 'PERSON',
    summaryStatus: 'PENDING',
    createdAt,
    updatedAt: createdAt,
    ...changes,
  });
}

describe('simulated listing', () => {
  it('compares instants to the nanosecond and across offsets', () => {
    expect(instantOf('2026-01-01T00:00:00.000000001Z')! - instantOf('2026-01-01T00:00:00Z')!).to.equal(1n);
    expect(instantOf('2026-01-01T02:00:00+02:00')).to.equal(instantOf('2026-01-01T00:00:00Z'));
    expect(instantOf('2026-01-01T00:00:00.957068Z')! < instantOf('2026-01-01T00:00:00.957069Z')!).to.equal(true);
    expect(instantOf('yesterday')).to.equal(undefined);
  });

  it('orders by creation time, then id, so that identities created in the same instant page stably', () => {
    const at = '2026-01-01T00:00:00.000001Z';
    const all = [identity('b', at), identity('c', at), identity('a', at), identity('z', '2025-12-31T23:59:59Z')];
    const first = pageOf(all, { order: 'ASC', limit: 2 }, 100);
    expect(first.items.map((x) => x.id)).to.deep.equal(['z', 'a']);
    const second = pageOf(all, { order: 'ASC', limit: 2, pageCursor: first.nextPageCursor! }, 100);
    expect(second.items.map((x) => x.id)).to.deep.equal(['b', 'c']);
    expect(second.nextPageCursor).to.equal(undefined);
    expect(pageOf(all, {}, 100).items.map((x) => x.id)).to.deep.equal(['c', 'b', 'a', 'z']);
  });

  it('continues after the position of the cursor, whatever was created or changed in between', () => {
    const all = [
      identity('1', '2026-01-01T00:00:01Z'),
      identity('2', '2026-01-01T00:00:02Z'),
      identity('3', '2026-01-01T00:00:03Z'),
    ];
    const first = pageOf(all, { limit: 1 }, 100);
    expect(first.items.map((x) => x.id)).to.deep.equal(['3']);
    const grown = [identity('4', '2026-01-01T00:00:04Z'), ...all.filter((x) => x.id !== '2')];
    expect(pageOf(grown, { pageCursor: first.nextPageCursor! }, 100).items.map((x) => x.id)).to.deep.equal(['1']);
  });

  it('filters by status, type and both time ranges, and caps the page at the maximum', () => {
    const all = [
      identity('p1', '2026-01-01T00:00:01Z', { updatedAt: '2026-02-01T00:00:00Z' }),
      identity('p2', '2026-01-01T00:00:02Z', { summaryStatus: 'APPROVED' }),
      identity('i1', '2026-01-01T00:00:03Z', { type: 'INSTITUTION' }),
    ];
    const ids = (filter: Parameters<typeof pageOf>[1], max = 100) =>
      pageOf(all, { order: 'ASC', ...filter }, max).items.map((x) => x.id);
    expect(ids({ summaryStatus: 'APPROVED' })).to.deep.equal(['p2']);
    expect(ids({ identityType: 'INSTITUTION' })).to.deep.equal(['i1']);
    expect(ids({ createdAt: { gt: '2026-01-01T00:00:01Z', lte: '2026-01-01T00:00:03Z' } })).to.deep.equal(['p2', 'i1']);
    expect(ids({ createdAt: { eq: '2026-01-01T00:00:02.000Z' } })).to.deep.equal(['p2']);
    expect(ids({ updatedAt: { gte: '2026-01-15T00:00:00Z' } })).to.deep.equal(['p1']);
    expect(ids({ createdAt: { lt: '2026-01-01T00:00:02Z' } })).to.deep.equal(['p1']);
    expect(ids({ limit: 50 }, 2)).to.deep.equal(['p1', 'p2']);
  });

  it('refuses a cursor it did not hand out, or one of the other order, as a 400 rejection (as Paxos answers it)', () => {
    const all = [identity('1', '2026-01-01T00:00:01Z'), identity('2', '2026-01-01T00:00:02Z')];
    const { nextPageCursor } = pageOf(all, { order: 'ASC', limit: 1 }, 100);
    for (const cursor of ['nope', Buffer.from('["c1","ASC","x","1"]').toString('base64url'), nextPageCursor!]) {
      const attempt = () => pageOf(all, { order: 'DESC', pageCursor: cursor }, 100);
      expect(attempt).to.throw(IdentityRejectedError).with.property('status', 400);
    }
  });
});
