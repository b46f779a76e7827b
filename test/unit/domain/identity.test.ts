import { expect } from 'chai';
import { Identity } from '../../../src/index.js';

const identity = Identity.rehydrate({
  id: 'id-1',
  type: 'PERSON',
  refId: 'ref-1',
  summaryStatus: 'PENDING',
  person: { firstName: 'John', lastName: 'Doe' },
  metadata: { crmId: '42' },
  createdAt: '2026-03-01T00:00:00.000001Z',
  updatedAt: '2026-03-01T00:00:00.000001Z',
});

describe('Identity', () => {
  it('props() holds every field of the identity, in its order, and nothing else', () => {
    const props = identity.props();
    expect(Object.keys(props)).to.deep.equal(Object.keys(identity));
    for (const key of Object.keys(identity))
      expect((props as unknown as Record<string, unknown>)[key], key).to.equal(
        (identity as unknown as Record<string, unknown>)[key],
      );
  });

  it('with() replaces the fields given, undefined included, and keeps the rest', () => {
    const next = identity.with({ summaryStatus: 'APPROVED', refId: undefined, taxDetails: undefined });
    expect(next).to.be.instanceOf(Identity);
    expect(Object.isFrozen(next)).to.equal(true);
    expect(next.summaryStatus).to.equal('APPROVED');
    expect(next.refId).to.equal(undefined);
    // A field given as undefined takes the default a rehydrated identity has.
    expect(next.taxDetails).to.deep.equal([]);
    expect({ ...next.props(), summaryStatus: 'PENDING', refId: 'ref-1' }).to.deep.equal(identity.props());
    expect(identity.summaryStatus).to.equal('PENDING');
  });
});
