import { expect } from 'chai';
import fc from 'fast-check';
import { errorFromAnswer } from '../../src/adapters/paxos/http/error-factory.js';
import { holdsSensitive, scrubServerText, scrubText, scrubViolations } from '../../src/domain/shared/scrub.js';
import { createIdentityService, IdentityRejectedError, NewIdentity } from '../../src/index.js';
import { aPerson } from '../support/builders.js';
import { everyRendering, failedAnswer, rejection } from './support.js';

const SEED = process.env['FC_SEED'] === undefined ? {} : { seed: Number(process.env['FC_SEED']) };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October'];
const ALL_MONTHS = [...MONTHS, 'November', 'December'];

/** Letters and digits only: what is left of a value once every separator is gone. */
const bare = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');

/** The ways a server may spell a date of birth; each is a function of year, month and day numbers. */
const pad = (n: number) => String(n).padStart(2, '0');
const DATE_SPELLINGS: readonly ((y: number, m: number, d: number) => string)[] = [
  (y, m, d) => `${y}-${pad(m)}-${pad(d)}`,
  (y, m, d) => `${pad(m)}/${pad(d)}/${y}`,
  (y, m, d) => `${m}/${d}/${y}`,
  (y, m, d) => `${pad(d)}/${pad(m)}/${y}`,
  (y, m, d) => `${pad(d)}.${pad(m)}.${y}`,
  (y, m, d) => `${y}${pad(m)}${pad(d)}`,
  (y, m, d) => `${y}/${pad(m)}/${pad(d)}`,
  (y, m, d) => `${ALL_MONTHS[m - 1]?.slice(0, 3)} ${d} ${y}`,
  (y, m, d) => `${ALL_MONTHS[m - 1]} ${d}, ${y}`,
  (y, m, d) => `${d} ${ALL_MONTHS[m - 1]?.slice(0, 3)} ${y}`,
  (y, m, d) => `${pad(d)} ${ALL_MONTHS[m - 1]} ${y}`,
  (y, m, d) => `${ALL_MONTHS[m - 1]?.toUpperCase()} ${d}TH, ${y}`,
  (y, m, d) => `${pad(m)}-${pad(d)}-${String(y).slice(2)}`,
];

/** Text around an embedded value: words, digits, spaces and punctuation, as a server's prose has. */
const prose = fc
  .array(fc.constantFrom(...'abcxyz ABC 0123456789 .,:;-()[]"\'/'.split('')), { maxLength: 40 })
  .map((chars) => chars.join(''));

describe('attacks: personal data is scrubbed by meaning, not spelling', () => {
  describe('the cases that once reached an error message', () => {
    it('a 400 detail echoing the SSN with spaces (518 27 4930) or the date of birth as 03/14/1961', () => {
      const error = errorFromAnswer(
        failedAnswer(
          400,
          { detail: 'cip_id 518 27 4930 does not match date_of_birth 03/14/1961 (also 14.03.1961, March 14, 1961)' },
          ['518-27-4930', '1961-03-14'],
        ),
      );
      expect(error).to.be.instanceOf(IdentityRejectedError);
      const text = everyRendering(error);
      for (const spelled of ['518 27 4930', '4930', '03/14/1961', '14.03.1961', 'March 14', '1961'])
        expect(text).not.to.include(spelled);
      expect(error).to.have.property(
        'detail',
        'cip_id [REDACTED] does not match date_of_birth [REDACTED] (also [REDACTED], [REDACTED])',
      );
    });

    it("a 409 whose meta.existing.id is the request's SSN is not trusted as an id, and echoes nothing", () => {
      const error = errorFromAnswer(
        failedAnswer(409, { detail: 'duplicate ref_id provided', meta: { existing: { id: '518274930' } } }, [
          '518-27-4930',
        ]),
      );
      expect(error.name).to.equal('PaxosHttpError');
      expect(everyRendering(error)).not.to.include('518274930');
    });

    it('a 403 naming a "scope" spelled from the SSN keeps no such scope', () => {
      const error = errorFromAnswer({
        ...failedAnswer(
          403,
          { detail: "insufficient scopes: found '518:27-4930', required one of '[identity:read_identity]'" },
          ['518-27-4930'],
        ),
      }) as unknown as { grantedScopes: readonly string[]; requiredScopes: readonly string[] };
      expect(error.grantedScopes).to.deep.equal([]);
      expect(error.requiredScopes).to.deep.equal(['identity:read_identity']);
      expect(everyRendering(error)).not.to.include('4930');
    });

    it("a Problem type spelling the request's passport number is dropped", () => {
      const error = errorFromAnswer(failedAnswer(400, { type: 'urn:x:p-x1234567z', detail: 'bad' }, ['X1234567Z']));
      expect(everyRendering(error)).not.to.match(/x1234567z/i);
    });

    it('an SSN used as a metadata key is never echoed, as an unknown field key is not', async () => {
      const ssn = '518-27-4930';
      const service = createIdentityService({ adapter: 'in-memory' });
      const command = aPerson()
        .withCommand({ metadata: { [ssn]: 42, ['1961-03-14'.repeat(101)]: 'x' } as never })
        .build();
      const error = await rejection(service.createIdentity(command));
      expect((error as Error).name).to.equal('IdentityValidationError');
      expect((error as { violations: { path: string }[] }).violations.map((v) => v.path)).to.deep.equal([
        'metadata[0]',
        'metadata[1]',
      ]);
      expect(everyRendering(error)).not.to.include('4930').and.not.include('1961');
    });

    it('a long metadata value under an SSN key is warned about without the key', () => {
      const warnings = NewIdentity.create(
        aPerson()
          .withCommand({ metadata: { '518-27-4930': 'v'.repeat(101) } })
          .build(),
      ).warnings;
      expect(warnings.map((w) => w.path)).to.include('metadata[0]');
      expect(JSON.stringify(warnings)).not.to.include('4930');
    });

    it('violation messages a server reports are scrubbed the same way; their paths stay', () => {
      const [violation] = scrubViolations(
        [{ path: 'person.cipId', code: 'format', message: 'person.cipId: 518.27.4930 is not valid' }],
        ['518-27-4930'],
      );
      expect(violation).to.deep.equal({
        path: 'person.cipId',
        code: 'format',
        message: 'person.cipId: [REDACTED] is not valid',
      });
      const rejected = new IdentityRejectedError('ssn 518-27-4930', {
        violations: [{ path: 'x', code: 'format', message: 'x: 518-27-4930' }],
      });
      expect(everyRendering(rejected)).not.to.include('4930');
    });
  });

  describe('properties', () => {
    it('a random SSN in a random spelling embedded in random text never survives', () => {
      const separator = fc.constantFrom('', ' ', '-', '.', '/', ' - ', '_');
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
          fc.array(separator, { minLength: 8, maxLength: 8 }),
          prose,
          prose,
          (digits, gaps, before, after) => {
            const ssn = `${digits.slice(0, 3).join('')}-${digits.slice(3, 5).join('')}-${digits.slice(5).join('')}`;
            const spelled = digits.map((digit, i) => `${digit}${gaps[i] ?? ''}`).join('');
            const out = scrubText(`${before}${spelled}${after}`, [ssn]);
            expect(out).not.to.include(spelled);
            // However the rest of the text reads, no run of its letters and digits spells the SSN any more.
            expect(bare(out)).not.to.include(bare(ssn));
          },
        ),
        { numRuns: 1000, ...SEED },
      );
    });

    it('a random date of birth in a random common spelling embedded in random text never survives', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1900, max: 2010 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 28 }),
          fc.constantFrom(...DATE_SPELLINGS),
          prose,
          prose,
          (y, m, d, spell, before, after) => {
            const dob = `${y}-${pad(m)}-${pad(d)}`;
            const spelled = spell(y, m, d);
            const out = scrubServerText(`${before} ${spelled} ${after}`, [dob]) ?? '';
            expect(out).not.to.include(spelled);
            expect(out, spelled).to.include('[REDACTED]');
          },
        ),
        { numRuns: 1000, ...SEED },
      );
    });

    it('a random CIP id with letters survives in no letter case or separator', () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[A-Z][0-9]{6,9}[A-Z]?$/),
          fc.constantFrom('', ' ', '-'),
          fc.boolean(),
          (passport, gap, lower) => {
            const spelled = ((lower ? passport.toLowerCase() : passport).match(/./g) ?? []).join(gap);
            const out = scrubText(`passport ${spelled} was refused`, [passport]);
            expect(out).to.equal('passport [REDACTED] was refused');
          },
        ),
        { numRuns: 500, ...SEED },
      );
    });
  });

  describe('no over-scrubbing', () => {
    it('numbers and dates that are no value of this request stay, so that the text still explains', () => {
      const text = 'limit 100 per 5 minutes; field 2 of 12; retry after 2026-01-02; year 1961; code 4930';
      expect(scrubServerText(text, ['518-27-4930', '1961-03-14'])).to.equal(text);
      expect(holdsSensitive('identity:read_identity', ['518-27-4930'])).to.equal(false);
    });

    it('keeps the rule for anything shaped like a US tax id, sent or not', () => {
      expect(scrubText('ssn 123-45-6789, ein 12-3456789, raw 123456789')).to.equal(
        'ssn [REDACTED], ein [REDACTED], raw [REDACTED]',
      );
    });

    it('a value too short to be told from prose is looked for only as sent', () => {
      expect(scrubText('code 1-2-3 and 12 3', ['123'])).to.equal('code 1-2-3 and 12 3');
    });

    it('every month spelled in full is found for its own date only', () => {
      MONTHS.forEach((month, i) => {
        const dob = `1975-${pad(i + 1)}-09`;
        expect(scrubText(`born ${month} 9, 1975`, [dob])).to.equal('born [REDACTED]');
        expect(scrubText(`born ${month} 10, 1975`, [dob])).to.equal(`born ${month} 10, 1975`);
      });
    });
  });
});
