import { expect } from 'chai';
import fc from 'fast-check';
import { SimulatedEventLog } from '../../src/adapters/in-memory/simulation/simulated-events.js';

const RUNS = { numRuns: 300, ...(process.env['FC_SEED'] !== undefined && { seed: Number(process.env['FC_SEED']) }) };

describe('property: event pages', () => {
  it('paging in either order, with events appended between pages, serves every event that existed at the start exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('ASC' as const, 'DESC' as const),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 20 }),
        (initial, limit, order, insertsPerPage) => {
          const log = new SimulatedEventLog();
          let n = 0;
          const append = () =>
            log.append(
              `e${n}`,
              'identity.approved',
              { identityId: `i${n++}` },
              new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
            );
          for (let i = 0; i < initial; i++) append();
          const before = Array.from({ length: initial }, (_, i) => `e${i}`);
          const served: string[] = [];
          let cursor: string | undefined;
          let page = 0;
          do {
            const result = log.page({ limit, order, ...(cursor !== undefined && { pageCursor: cursor }) });
            if (result === 'bad-cursor') throw new Error('a cursor the log issued was refused');
            expect(result.items.length).to.be.at.most(limit);
            served.push(...result.items.map((e) => e.id));
            for (let k = 0; k < (insertsPerPage[page] ?? 0); k++) append();
            page += 1;
            cursor = result.nextPageCursor;
          } while (cursor !== undefined && page < 1000);
          expect(new Set(served).size, 'no event twice').to.equal(served.length);
          const expected = order === 'ASC' ? before : [...before].reverse();
          // DESC pages walk back from the newest event at the first page: later ones are not in that walk.
          expect(served.filter((id) => before.includes(id))).to.deep.equal(expected);
          if (order === 'DESC') expect(served).to.deep.equal(expected);
        },
      ),
      RUNS,
    );
  });

  it('refuses a cursor issued for the other order, or not issued at all', () => {
    const log = new SimulatedEventLog();
    for (let i = 0; i < 3; i++) log.append(`e${i}`, 'identity.denied', {}, '2026-01-01T00:00:00.000001Z');
    const first = log.page({ limit: 1, order: 'ASC' });
    if (first === 'bad-cursor' || first.nextPageCursor === undefined) throw new Error('expected a next page');
    expect(log.page({ limit: 1, order: 'DESC', pageCursor: first.nextPageCursor })).to.equal('bad-cursor');
    expect(log.page({ pageCursor: 'not-a-cursor' })).to.equal('bad-cursor');
  });
});
