import { expect } from 'chai';
import fc from 'fast-check';
import { calendarDateMs, dateTimeMs, parseCalendarDate, parseDateTime } from '../../../src/domain/shared/dates.js';

// fast-check prints the seed and path of a failure; FC_SEED=<seed> replays it.
const RUNS = { numRuns: 3000, ...(process.env['FC_SEED'] !== undefined && { seed: Number(process.env['FC_SEED']) }) };

/** The millisecond readers must answer exactly as the Date parsers, for any text. */
function expectSame(text: string): void {
  expect(dateTimeMs(text), `date-time ${JSON.stringify(text)}`).to.equal(parseDateTime(text)?.getTime());
  expect(calendarDateMs(text), `date ${JSON.stringify(text)}`).to.equal(parseCalendarDate(text)?.getTime());
}

const digitsOf = (n: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: 10 ** n - 1 }).map((x) => String(x).padStart(n, '0')),
    fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', 'x', ' '), minLength: n, maxLength: n }),
    fc.string({ maxLength: n + 1 }),
  );
const fraction = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom('0', '1', '5', '9', 'a'), maxLength: 11 }).map((f) => `.${f}`),
);
const zone = fc.oneof(
  fc.constantFrom('Z', 'z', '', 'ZZ', '+', '-', 'Z '),
  fc
    .tuple(
      fc.constantFrom('+', '-', '~'),
      digitsOf(2),
      fc.constantFrom(':', '.'),
      digitsOf(2),
      fc.constantFrom('', 'x'),
    )
    .map((parts) => parts.join('')),
);
/** Texts near the RFC 3339 shape: each part right, wrong or missing. */
const nearDateTime = fc
  .tuple(
    digitsOf(4),
    fc.constantFrom('-', 'x'),
    digitsOf(2),
    fc.constant('-'),
    digitsOf(2),
    fc.constantFrom('T', 't', ' ', 'X'),
    digitsOf(2),
    fc.constant(':'),
    digitsOf(2),
    fc.constantFrom(':', '-'),
    digitsOf(2),
    fraction,
    zone,
  )
  .map((parts) => parts.join(''));

describe('Dates read as milliseconds', () => {
  it('agree with parseDateTime and parseCalendarDate on texts near the RFC 3339 shape', () => {
    fc.assert(fc.property(nearDateTime, expectSame), RUNS);
  });

  it('agree on any text', () => {
    fc.assert(fc.property(fc.string(), expectSame), RUNS);
  });

  it('agree on every instant of years 1 to 9999, in each shape Paxos and callers send', () => {
    const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') });
    fc.assert(
      fc.property(
        instant.filter((d) => !Number.isNaN(d.getTime())),
        fc.integer({ min: 0, max: 9 }),
        (date, digits) => {
          const iso = date.toISOString();
          const seconds = iso.slice(0, 19);
          for (const text of [
            iso,
            iso.slice(0, 10),
            `${seconds}Z`,
            `${seconds}.${'123456789'.slice(0, digits)}Z`,
            `${seconds}+05:30`,
            `${seconds}-23:59`,
            `${seconds}+24:00`,
          ])
            expectSame(text);
        },
      ),
      RUNS,
    );
  });

  it('agree on the edges: two-digit years, leap days and seconds, long fractions', () => {
    for (const text of [
      '2021-06-16T09:28:14Z',
      '0099-01-01T00:00:00Z',
      '0100-01-01T00:00:00Z',
      '2021-06-16T09:28:14.1234567890Z',
      '2021-06-16T09:28:14.Z',
      '2020-02-29T23:59:59.999+23:59',
      '2021-02-29T00:00:00Z',
      '2021-06-16T09:28:60Z',
      '2021-06-16t09:28:14z',
      '1980-01-01',
      '0000-01-01',
      '0050-02-29',
      '2000-02-29',
      '1900-02-29',
    ])
      expectSame(text);
  });
});
