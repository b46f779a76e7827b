import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  IdentityValidationError,
  type CreateIdentityCommand,
  type IdentityService,
} from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';

const RUNS = Number(process.env['RELIABILITY_FC_RUNS'] ?? 10_000);
const SEED = process.env['FC_SEED'] === undefined ? {} : { seed: Number(process.env['FC_SEED']) };

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function throwingGetter(): object {
  return Object.defineProperty({}, 'firstName', {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
}

/** Values an attacker or a broken caller could put anywhere in a command. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    nested(10_000),
    [nested(5_000)],
    'x'.repeat(1_000_000),
    'John\u0000Doe',
    'Jo\u001bhn\r\nSet-Cookie: a=b',
    '\u202eeoD nhoJ',
    JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
    JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as unknown,
    Object.create(null) as unknown,
    throwingGetter(),
    new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('proxy exploded');
        },
      },
    ),
    null,
    undefined,
    Number.NaN,
    Infinity,
    -0,
    10n,
    Symbol('s'),
    () => 'function',
    new Date(Number.NaN),
    [],
    {},
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 3 }),
);

const PERSON_FIELDS = [
  'firstName',
  'lastName',
  'dateOfBirth',
  'cipId',
  'cipIdType',
  'cipIdCountry',
  'nationality',
  'email',
  'address',
  'verifierType',
  'passthroughVerifiedAt',
];
const TOP_FIELDS = [
  'refId',
  'person',
  'institution',
  'metadata',
  'taxDetails',
  'taxDetailsNotRequired',
  '__proto__',
  'constructor',
];

/** A valid person (unique SSN and refId) with zero to three fields replaced by hostile values; or anything at all. */
const command: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...PERSON_FIELDS), hostileValue), { maxLength: 2 }),
      fc.array(fc.tuple(fc.constantFrom(...TOP_FIELDS), hostileValue), { maxLength: 1 }),
      fc.constantFrom('John', 'Zoë', '李', 'Ñandú', 'Δημήτρης', "O'Brien-Smith"),
    )
    .map(([personChanges, topChanges, firstName]) => {
      const base = aPerson().withCommand({ refId: randomUUID() }).with({ firstName }).build() as Record<
        string,
        unknown
      >;
      const person = { ...(base['person'] as Record<string, unknown>) };
      for (const [key, value] of personChanges)
        Object.defineProperty(person, key, { value, enumerable: true, configurable: true, writable: true });
      const out: Record<string, unknown> = { ...base, person };
      for (const [key, value] of topChanges)
        Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
      return out;
    }),
  hostileValue,
);

describe('hostile input through the service: IdentityValidationError and nothing sent', function () {
  this.timeout(120_000);
  let emulator: PaxosEmulator;
  let service: IdentityService;

  before(async () => {
    emulator = await startPaxosEmulator();
    // Client-side pacing off: this suite is about what is sent, not how fast; the emulator does not limit either.
    service = createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...paxosOptionsFor(emulator),
        rateLimit: false,
      },
    });
  });

  after(async () => {
    await emulator.close();
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it(`${RUNS} arbitrary commands: only an identity or IdentityValidationError; no request for an invalid one`, async () => {
    let valid = 0;
    let invalid = 0;
    // A hostile value put in `refId` can be a short valid string that an earlier run (or a shrink replay) already
    // used: Paxos then answers 409, which is a sent, typed outcome of a valid command, not a validation gap.
    let conflicts = 0;
    const postsBefore = () => emulator.requests.filter((r) => r.route === '/v2/identity/identities').length;
    const startPosts = postsBefore();
    await fc.assert(
      fc.asyncProperty(command, async (input) => {
        let identity;
        try {
          identity = await service.createIdentity(input as CreateIdentityCommand);
        } catch (error) {
          if (error instanceof IdentityAlreadyExistsError) {
            conflicts += 1;
            return;
          }
          if (!(error instanceof IdentityValidationError)) throw error;
          expect(error.violations.length).to.be.greaterThan(0);
          invalid += 1;
          return;
        }
        expect(identity.summaryStatus).to.equal('PENDING');
        valid += 1;
      }),
      { numRuns: RUNS, ...SEED },
    );
    const posts = postsBefore() - startPosts;
    // Each valid command is one create request; an invalid one is none (the log holds no request it could own).
    expect(posts).to.equal(valid + conflicts);
    expect(valid + invalid + conflicts).to.be.at.least(RUNS);
    expect(invalid).to.be.greaterThan(RUNS / 2);
    expect(valid).to.be.greaterThan(0);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('each named hostile shape is refused without a request', async () => {
    const before = emulator.requests.length;
    const shapes: [string, unknown][] = [
      ['deep nesting', { ...aPerson().build(), metadata: nested(50_000) }],
      [
        'a huge string',
        aPerson()
          .with({ firstName: 'x'.repeat(5_000_000) })
          .build(),
      ],
      ['control characters', aPerson().with({ lastName: 'Doe\u0000\u0007' }).build()],
      [
        'a prototype key',
        JSON.parse(
          `{"__proto__":{"polluted":"yes"},"person":${JSON.stringify(aPerson().build().person)},"metadata":{"__proto__":{"x":"y"}}}`,
        ),
      ],
      ['a throwing getter', { ...aPerson().build(), person: throwingGetter() }],
      [
        'a throwing getter on the command',
        Object.defineProperty({}, 'person', {
          enumerable: true,
          get: () => {
            throw new Error('boom');
          },
        }),
      ],
    ];
    for (const [name, input] of shapes) {
      const error = await service.createIdentity(input as CreateIdentityCommand).catch((e: unknown) => e);
      expect(error, name).to.be.instanceOf(IdentityValidationError);
    }
    expect(emulator.requests.length).to.equal(before);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('non-ASCII names are refused as Paxos refuses them (its name pattern), without a request', async () => {
    const before = emulator.requests.length;
    for (const [firstName, lastName] of [
      ['Zoë', 'Doe'],
      ['John', 'Ñandú-李'],
      ['Δημήτρης', 'Doe'],
    ]) {
      const error = await service
        .createIdentity(aPerson().with({ firstName, lastName }).build())
        .catch((e: unknown) => e);
      expect(error, `${firstName} ${lastName}`).to.be.instanceOf(IdentityValidationError);
      expect((error as IdentityValidationError).violations.map((v) => v.path)).to.satisfy((paths: string[]) =>
        paths.some((p) => p.endsWith('Name')),
      );
    }
    expect(emulator.requests.length).to.equal(before);
  });
});
