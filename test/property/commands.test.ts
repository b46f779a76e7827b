import { expect } from 'chai';
import fc from 'fast-check';
import { IdentityValidationError, NewIdentity, type Violation } from '../../src/index.js';
import { aPerson, anInstitution, seedCommand } from '../support/builders.js';
import { NOW, REMOVE, setAt } from '../support/domain.js';

// fast-check prints the seed and path of a failure; FC_SEED=<seed> replays it.
const RUNS = { numRuns: 1000, ...(process.env['FC_SEED'] !== undefined && { seed: Number(process.env['FC_SEED']) }) };

type Path = readonly (string | number)[];

/** What every outcome must be: an always-valid identity, or one validation error with well-formed violations. */
function check(command: unknown): NewIdentity | readonly Violation[] {
  let identity: NewIdentity;
  try {
    identity = NewIdentity.create(command, { now: NOW });
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    expect(error.violations).not.to.be.empty;
    for (const violation of error.violations) {
      expect(violation.message.startsWith(`${violation.path || 'command'}: `), violation.message).to.equal(true);
    }
    return error.violations;
  }
  expectAlwaysValid(identity);
  return identity;
}

/** Invariants a created identity holds whatever the command was. */
function expectAlwaysValid(identity: NewIdentity): void {
  expect(identity.type === 'PERSON').to.equal(identity.person !== undefined);
  expect(identity.type === 'INSTITUTION').to.equal(identity.institution !== undefined);
  const cip = identity.cip;
  // Paxos's pattern for a country, three capitals; assigned ISO codes are not the only ones it takes (§6.7).
  expect(cip.cipIdCountry).to.match(/^[A-Z]{3}$/);
  if (identity.taxDetailsNotRequired) expect(cip.cipIdCountry).not.to.equal('USA');
  else expect(identity.taxDetails).not.to.be.empty;
  // §6.2: a US resident identifies with an SSN or ITIN, whatever the CIP id's country.
  if (identity.person?.address?.country === 'USA') expect(cip.cipIdType).to.be.oneOf(['SSN', 'ITIN']);
  if (identity.institution !== undefined) expect(identity.institutionMembers).not.to.be.empty;
  else expect(identity.institutionMembers).to.equal(undefined);
}

/** Every path to a value inside `value`, objects and arrays included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) =>
    pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
  );
  return prefix.length === 0 ? children : [prefix, ...children];
}

const PERSON_EXTRAS: Path[] = [
  ['refId'],
  ['institution'],
  ['institutionMembers'],
  ['taxDetails'],
  ['taxDetails', 0, 'taxPayerId'],
  ['taxDetailsNotRequired'],
  ['customerDueDiligence'],
  ['customerDueDiligence', 'aliases'],
  ['isMerchant'],
  ['person', 'verifierId'],
  ['person', 'middleName'],
  ['person', 'passthroughVerificationId'],
  ['person', 'passthroughVerificationStatus'],
  ['person', 'passthroughVerificationFields'],
  ['person', 'profession'],
  ['person', 'address', 'address2'],
];
const INSTITUTION_EXTRAS: Path[] = [
  ['person'],
  ['taxDetails'],
  ['taxDetailsNotRequired'],
  ['institution', 'listedExchange'],
  ['institution', 'tickerSymbol'],
  ['institution', 'regulatorName'],
  ['institution', 'parentInstitutionName'],
  ['institutionMembers', 1],
  ['institutionMembers', 0, 'position'],
];

/** Values that are valid somewhere in a command, so that mutations reach the rules between fields. */
const MEANINGFUL = fc.constantFrom<unknown>(
  '',
  'USA',
  'DEU',
  'XYZ',
  'SSN',
  'ITIN',
  'EIN',
  'PASSPORT',
  'REGISTRATION_NUMBER',
  'PASSTHROUGH',
  'PAXOS',
  'MANUAL',
  'APPROVED',
  'PENDING',
  'TRUST',
  'CORPORATION',
  'SOLE_PROPRIETORSHIP',
  'INVESTMENT',
  'WEAPONS',
  'US_REGULATED',
  'NON_REGULATED',
  'PUBLIC',
  'PUBLICLY_TRADED_SUBSIDIARY',
  'TRUSTEE',
  'BENEFICIAL_OWNER',
  '111-11-1234',
  '12-3456789',
  '2024-02-29',
  '2023-02-29',
  '2099-01-01',
  '2021-06-16T09:28:14Z',
  '2099-06-16T09:28:14Z',
  '100',
  '100.5',
  true,
  false,
  [],
  {},
  [{ taxPayerId: '1', taxPayerCountry: 'DEU' }],
  ['TRUSTEE'],
  REMOVE,
);

const ANYTHING = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

const REPLACEMENT = fc.oneof(MEANINGFUL, fc.jsonValue({ maxDepth: 2 }), ANYTHING, fc.string(), fc.constant(REMOVE));

/** A valid command with one to four values replaced at random paths (or removed). */
function mutated(base: () => unknown, extras: Path[]): fc.Arbitrary<unknown> {
  const paths = [...pathsOf(base()), ...extras];
  const mutation = fc.tuple(fc.constantFrom(...paths), REPLACEMENT);
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map((mutations) => mutations.reduce((command, [path, value]) => setAt(command, path, value), base()));
}

describe('Property: any input ends in an always-valid identity or one IdentityValidationError', () => {
  it('arbitrary JSON values as commands', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => void check(value)),
      RUNS,
    );
  });

  it('arbitrary JavaScript values as commands, boxed, sparse, null-prototype and typed values included', () => {
    fc.assert(
      fc.property(ANYTHING, (value) => void check(value)),
      RUNS,
    );
  });

  it('arbitrary values as the person or institution details', () => {
    const wrapped = fc
      .tuple(fc.constantFrom('person', 'institution'), fc.oneof(fc.jsonValue(), ANYTHING))
      .map(([key, value]) => ({ [key]: value }));
    fc.assert(
      fc.property(wrapped, (value) => void check(value)),
      RUNS,
    );
  });

  it('the seed command with random fields replaced or removed', () => {
    fc.assert(
      fc.property(mutated(seedCommand, PERSON_EXTRAS), (command) => void check(command)),
      RUNS,
    );
  });

  it('a valid institution command with random fields replaced or removed', () => {
    fc.assert(
      fc.property(
        mutated(() => anInstitution(['member-1']), INSTITUTION_EXTRAS),
        (command) => void check(command),
      ),
      RUNS,
    );
  });

  it('never echoes a replaced string value in a message', () => {
    const canary = fc.string({ maxLength: 40 }).map((tail) => `Zq7Canary${tail}`);
    const command = fc.tuple(fc.constantFrom(...pathsOf(seedCommand()), ...PERSON_EXTRAS), canary);
    fc.assert(
      fc.property(command, ([path, value]) => {
        const outcome = check(setAt(seedCommand(), path, value));
        if (Array.isArray(outcome)) {
          for (const violation of outcome as Violation[]) expect(violation.message).not.to.include('Zq7Canary');
        }
      }),
      RUNS,
    );
  });
});

describe('Property: valid persons are accepted as given', () => {
  const PATTERN_P = /^[0-9A-Za-z /?:().,&'+-]{1,200}$/;
  const address = fc.record({
    country: fc.stringMatching(/^[0-9A-Za-z /?:().,&'+-]{1,35}$/),
    address1: fc.stringMatching(/^[0-9A-Za-z /?:().,&'+-]{1,35}$/),
    city: fc.stringMatching(/^[0-9A-Za-z /?:().,&'+-]{1,35}$/),
    province: fc.stringMatching(/^[0-9A-Za-z /?:().,&'+-]{1,35}$/),
  });
  const dateOfBirth = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: NOW, noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
  const country = fc.constantFrom('DEU', 'FRA', 'BRA', 'JPN', 'ZAF', 'CAN', 'ALA', 'CIV');

  it('keeps names, date of birth, countries, CIP id and address', () => {
    const person = fc.record({
      firstName: fc.stringMatching(PATTERN_P),
      lastName: fc.stringMatching(PATTERN_P),
      dateOfBirth,
      nationality: country,
      cipIdCountry: country,
      cipId: fc.stringMatching(PATTERN_P),
      cipIdType: fc.constantFrom('PASSPORT', 'ID_CARD', 'DRIVING_LICENSE', 'VISA'),
      address,
    });
    fc.assert(
      fc.property(person, fc.boolean(), (details, flag) => {
        const base = aPerson().foreign().with(details);
        const command = flag
          ? base.withoutTaxDetails().build()
          : base.withCommand({ taxDetails: [{ taxPayerId: 'T 1', taxPayerCountry: details.cipIdCountry }] }).build();
        const identity = check(command);
        expect(identity).to.be.instanceOf(NewIdentity);
        const kept = (identity as NewIdentity).person!;
        expect([
          kept.firstName,
          kept.lastName,
          kept.dateOfBirth?.reveal(),
          kept.nationality,
          kept.cipId?.reveal(),
          kept.cipIdType,
        ]).to.deep.equal([
          details.firstName,
          details.lastName,
          details.dateOfBirth,
          details.nationality,
          details.cipId,
          details.cipIdType,
        ]);
        expect(kept.address).to.deep.include(details.address);
      }),
      RUNS,
    );
  });
});
