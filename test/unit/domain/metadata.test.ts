import { expect } from 'chai';
import { aPerson } from '../../support/builders.js';
import { accept, expectViolation, expectViolations } from '../../support/domain.js';
import { expectWarning, warningPairs } from './warnings.js';

const withMetadata = (metadata: unknown) => ({ ...aPerson().build(), metadata: metadata as never });

describe('Metadata', () => {
  it('accepts string keys with string values', () => {
    const metadata = { custom_property1: 'custom value 1', 'key with spaces': '', crmId: 'äöü ✓' };
    expect(accept(withMetadata(metadata)).metadata).to.deep.equal(metadata);
  });

  it('is optional', () => {
    expect(accept(aPerson().build()).metadata).to.equal(undefined);
  });

  it('rejects values that are not strings, each at its position in key order, never by its key', () => {
    expectViolations(withMetadata({ a: 1, b: true, c: null, d: { nested: 'x' }, e: ['x'], ok: 'fine' }), [
      ['metadata[0]', 'type'],
      ['metadata[1]', 'type'],
      ['metadata[2]', 'type'],
      ['metadata[3]', 'type'],
      ['metadata[4]', 'type'],
    ]);
  });

  it('rejects a metadata that is not an object', () => {
    for (const metadata of ['k=v', 42, null, [['k', 'v']], true])
      expectViolation(withMetadata(metadata), 'metadata', 'type');
  });

  it('rejects a Map, a class instance or symbol keys rather than dropping their data', () => {
    expectViolation(withMetadata(new Map([['crmId', '42']])), 'metadata', 'type');
    expectViolation(
      withMetadata(
        new (class Tags {
          crmId = '42';
        })(),
      ),
      'metadata',
      'type',
    );
    expectViolation(withMetadata({ crmId: '42', [Symbol('hidden')]: 'x' }), 'metadata', 'type');
  });

  it('accepts an object without a prototype', () => {
    expect(accept(withMetadata(Object.assign(Object.create(null) as object, { crmId: '42' }))).metadata).to.deep.equal({
      crmId: '42',
    });
  });

  it('refuses __proto__ as an own key without touching any prototype', () => {
    const metadata: unknown = JSON.parse('{"__proto__": "polluted", "ok": "yes"}');
    expect(Object.keys(metadata as object)).to.include('__proto__');
    expectViolation(withMetadata(metadata), 'metadata', 'forbidden');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('refuses constructor and prototype keys', () => {
    expectViolation(withMetadata({ constructor: 'x' }), 'metadata', 'forbidden');
    expectViolation(withMetadata({ prototype: 'x' }), 'metadata', 'forbidden');
  });

  it("§2 sends empty or long keys, long values and many pairs, warning past the caps of Paxos's other resources", () => {
    expectWarning(withMetadata({ '': 'x' }), 'metadata', 'max_length');
    expectWarning(withMetadata({ ['k'.repeat(101)]: 'x' }), 'metadata', 'max_length');
    expect(accept(withMetadata({ k: 'v'.repeat(1001) })).metadata?.['k']).to.have.length(1001);
    expectWarning(withMetadata({ k: 'v'.repeat(101) }), 'metadata[0]', 'max_length');
    const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`key${i}`, 'v']));
    expect(Object.keys(expectWarning(withMetadata(many), 'metadata', 'max_items').metadata ?? {})).to.have.length(150);
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`key${i}`, 'v'.repeat(100)]));
    expect(warningPairs(accept(withMetadata(six)))).to.deep.equal([]);
  });

  it('returns a frozen copy', () => {
    const input = { a: 'b' };
    const metadata = accept(withMetadata(input)).metadata!;
    input.a = 'changed';
    expect(metadata).to.deep.equal({ a: 'b' });
    expect(Object.isFrozen(metadata)).to.equal(true);
  });
});
