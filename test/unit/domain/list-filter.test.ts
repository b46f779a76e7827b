import { expect } from 'chai';
import { IdentityValidationError } from '../../../src/index.js';
import { MAX_LIST_LIMIT, parseListIdentitiesFilter } from '../../../src/gateways.js';

function refusal(filter: unknown): string[] {
  try {
    parseListIdentitiesFilter(filter);
  } catch (error) {
    expect(error).to.be.instanceOf(IdentityValidationError);
    return (error as IdentityValidationError).violations.map((v) => `${v.path} ${v.code}`);
  }
  return expect.fail('expected the filter to be refused');
}

describe('parseListIdentitiesFilter', () => {
  it('accepts every field and keeps only what was given', () => {
    const filter = {
      limit: 50,
      summaryStatus: 'APPROVED',
      identityType: 'INSTITUTION',
      createdAt: { gte: '2026-01-01T00:00:00Z', lt: '2026-02-01T00:00:00.123456Z' },
      updatedAt: { eq: '2026-01-15T10:00:00+02:00' },
      order: 'ASC',
      pageCursor: 'eyJhIjoxfQ==',
    };
    expect(parseListIdentitiesFilter(filter)).to.deep.equal(filter);
    expect(parseListIdentitiesFilter({})).to.deep.equal({});
    expect(parseListIdentitiesFilter()).to.deep.equal({});
  });

  it('reads an empty cursor, as the last page hands it out, as no cursor', () => {
    expect(parseListIdentitiesFilter({ pageCursor: '' })).to.deep.equal({});
  });

  it('refuses a limit that is not an integer from 1 to the maximum', () => {
    expect(refusal({ limit: 0 })).to.deep.equal(['limit range']);
    expect(refusal({ limit: MAX_LIST_LIMIT + 1 })).to.deep.equal(['limit range']);
    expect(refusal({ limit: 2.5 })).to.deep.equal(['limit type']);
    expect(refusal({ limit: '10' })).to.deep.equal(['limit type']);
    expect(parseListIdentitiesFilter({ limit: MAX_LIST_LIMIT }).limit).to.equal(MAX_LIST_LIMIT);
  });

  it('names every bad field at once', () => {
    expect(
      refusal({
        summaryStatus: 'WAITING',
        identityType: 'ROBOT',
        order: 'asc',
        createdAt: { gte: '2026-01-01', after: '2026-01-01T00:00:00Z' },
        updatedAt: 'today',
        pageCursor: 'a\nb',
        sort: 'name',
      }),
    ).to.have.members([
      'summaryStatus enum',
      'identityType enum',
      'order enum',
      'createdAt.gte format',
      'createdAt.after unknown_field',
      'updatedAt type',
      'pageCursor pattern',
      'sort unknown_field',
    ]);
  });

  it('refuses a filter that is not an object', () => {
    expect(refusal(null)).to.deep.equal([' type']);
    expect(refusal([])).to.deep.equal([' type']);
  });
});
