import { expect } from 'chai';
import fc from 'fast-check';
import {
  createIdentityService,
  type CreateIdentityCommand,
  type Identity,
  type IdentityChanges,
  type IdentityService,
  type IdentityStatus,
  type ListIdentitiesFilter,
} from '../../src/index.js';
import { startPaxosEmulator } from '../../src/testing.js';
import { paxosOptionsFor } from '../support/paxos.js';

// Random sequences of create / get / list / update / sandbox-status calls must be observed the same on the in-memory
// fake and on the Paxos adapter talking to the emulator over HTTP. Ids are compared by creation order and
// timestamps are left out: the two sides draw their own. fast-check prints the seed of a failure; FC_SEED replays it.
const RUNS = { numRuns: 40, ...(process.env['FC_SEED'] !== undefined && { seed: Number(process.env['FC_SEED']) }) };

const UNKNOWN_ID = 'f190b163-208f-4d73-8deb-4fb8b24add00';

type Op =
  | {
      readonly kind: 'create';
      readonly ssn: number;
      readonly ref: number;
      readonly lastName: string;
      readonly address2: boolean;
    }
  | { readonly kind: 'trust'; readonly member: number; readonly ein: number }
  | {
      readonly kind: 'get';
      readonly target: number;
      readonly includeDetails: boolean;
      readonly includeInstitutionMembers: boolean;
    }
  | { readonly kind: 'list'; readonly filter: ListIdentitiesFilter; readonly pages: number }
  | { readonly kind: 'update'; readonly target: number; readonly changes: IdentityChanges }
  | {
      readonly kind: 'sandbox';
      readonly target: number;
      readonly idVerification: IdentityStatus;
      readonly sanctionsVerification: IdentityStatus;
    };

// Taken modulo (identities created so far + 1): the extra slot names an id that does not exist.
const target = fc.nat({ max: 60 });
const status = fc.constantFrom<IdentityStatus>('PENDING', 'APPROVED', 'DENIED');

const create = fc.record({
  kind: fc.constant('create' as const),
  ssn: fc.integer({ min: 0, max: 4 }),
  ref: fc.integer({ min: 0, max: 5 }),
  lastName: fc.constantFrom('Doe', 'Roe'),
  address2: fc.boolean(),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: create },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('trust' as const), member: target, ein: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('get' as const),
      target,
      includeDetails: fc.boolean(),
      includeInstitutionMembers: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      filter: fc.record(
        {
          limit: fc.integer({ min: 1, max: 3 }),
          order: fc.constantFrom('ASC' as const, 'DESC' as const),
          summaryStatus: fc.constantFrom<IdentityStatus>('PENDING', 'APPROVED', 'DENIED', 'DISABLED'),
          identityType: fc.constantFrom('PERSON' as const, 'INSTITUTION' as const),
        },
        { requiredKeys: ['limit'] },
      ),
      pages: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      target,
      changes: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom<IdentityChanges>(
            { person: { lastName: 'Smith' } },
            { person: { firstName: 'Jane', middleName: 'Q' } },
            { person: { address: { address2: '' } } },
            { person: { address: { city: 'Boston', province: 'MA' } } },
            { setUserDisabled: true },
            { setUserDisabled: false },
            { taxDetails: [{ taxPayerId: 'DE123456789', taxPayerCountry: 'DEU' }] },
            { setTaxDetailsNotRequired: true },
            { metadata: { stage: 'two' } },
            { isMerchant: true },
            { lastKycRefreshDate: '2025-01-02T03:04:05Z' },
            { institution: { name: 'Not A Person' } } as IdentityChanges,
            { person: { dateOfBirth: '2999-01-01' } },
            {},
          ),
        },
        {
          weight: 1,
          arbitrary: fc.integer({ min: 0, max: 4 }).map((ssn): IdentityChanges => ({ person: { cipId: ssnOf(ssn) } })),
        },
        {
          weight: 1,
          arbitrary: fc.integer({ min: 0, max: 5 }).map((ref): IdentityChanges => ({ refId: `ref-${ref}` })),
        },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sandbox' as const),
      target,
      idVerification: status,
      sanctionsVerification: status,
    }),
  },
);

function ssnOf(n: number): string {
  return `123-45-${String(6780 + n)}`;
}

function command(o: Extract<Op, { kind: 'create' }>): CreateIdentityCommand {
  return {
    refId: `ref-${o.ref}`,
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'JUMIO',
      passthroughVerifiedAt: '2021-06-16T09:28:14Z',
      firstName: 'John',
      lastName: o.lastName,
      dateOfBirth: '1980-01-01',
      nationality: 'USA',
      cipId: ssnOf(o.ssn),
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      address: {
        country: 'USA',
        address1: '1 Example St',
        ...(o.address2 && { address2: 'Apt 2' }),
        city: 'New York',
        province: 'NY',
        zipCode: '10001',
      },
    },
    metadata: { stage: 'one' },
  };
}

function trust(memberId: string, ein: number): CreateIdentityCommand {
  return {
    refId: `trust-${ein}`,
    institution: {
      name: 'Example Family Trust',
      businessAddress: { country: 'USA', address1: '2 Example Ave', city: 'Boston', province: 'MA' },
      incorporationAddress: { country: 'USA', address1: '2 Example Ave', city: 'Dover', province: 'DE' },
      institutionType: 'TRUST',
      institutionSubType: 'INVESTMENT',
      cipId: `12-345678${String(ein)}`,
      cipIdType: 'EIN',
      cipIdCountry: 'USA',
      govtRegistrationDate: '2021-04-14T00:00:00Z',
    },
    institutionMembers: [{ identityId: memberId, roles: ['TRUSTEE'] }],
  };
}

/** One side of the comparison: a service, and the ids it created in order. */
class Side {
  readonly ids: string[] = [];

  constructor(readonly service: IdentityService) {}

  alias(id: string): string {
    let index = this.ids.indexOf(id);
    if (index < 0) index = this.ids.push(id) - 1;
    return `#${index}`;
  }

  idOf(targetIndex: number): string {
    return this.ids[targetIndex % (this.ids.length + 1)] ?? UNKNOWN_ID;
  }

  view(identity: Identity): unknown {
    const p = identity.person;
    return {
      id: this.alias(identity.id),
      type: identity.type,
      refId: identity.refId,
      summaryStatus: identity.summaryStatus,
      person: p && {
        firstName: p.firstName,
        middleName: p.middleName,
        lastName: p.lastName,
        cipId: p.cipId?.reveal(),
        dateOfBirth: p.dateOfBirth?.reveal(),
        address: p.address && { ...p.address },
        idVerificationStatus: p.idVerificationStatus,
        sanctionsVerificationStatus: p.sanctionsVerificationStatus,
      },
      institution: identity.institution && {
        name: identity.institution.name,
        type: identity.institution.institutionType,
      },
      members: identity.institutionMembers?.map((m) => [this.alias(m.identityId), [...m.roles], m.summaryStatus]),
      taxDetails: identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry]),
      taxDetailsNotRequired: identity.taxDetailsNotRequired,
      metadata: { ...identity.metadata },
      isMerchant: identity.isMerchant,
      userDisabled: identity.userDisabled,
      lastKycRefreshDate: identity.lastKycRefreshDate,
    };
  }

  async run(o: Op): Promise<unknown> {
    try {
      switch (o.kind) {
        case 'create':
          return this.view(await this.service.createIdentity(command(o)));
        case 'trust':
          return this.view(await this.service.createIdentity(trust(this.idOf(o.member), o.ein)));
        case 'get':
          return this.view(
            await this.service.getIdentity(this.idOf(o.target), {
              includeDetails: o.includeDetails,
              includeInstitutionMembers: o.includeInstitutionMembers,
            }),
          );
        case 'update':
          return this.view(await this.service.updateIdentity(this.idOf(o.target), o.changes));
        case 'sandbox':
          await this.service.setSandboxStatus(this.idOf(o.target), {
            idVerification: o.idVerification,
            sanctionsVerification: o.sanctionsVerification,
          });
          return 'ok';
        case 'list': {
          const pages: unknown[] = [];
          let cursor: string | undefined;
          for (let i = 0; i < o.pages; i++) {
            const page = await this.service.listIdentitiesPage({
              ...o.filter,
              ...(cursor !== undefined && { pageCursor: cursor }),
            });
            pages.push(page.items.map((item) => this.view(item)));
            cursor = page.nextPageCursor;
            if (cursor === undefined) break;
          }
          return { pages, more: cursor !== undefined };
        }
      }
    } catch (error) {
      const e = error as {
        code?: unknown;
        status?: unknown;
        violations?: readonly { path: string; code: string }[];
        conflict?: unknown;
      };
      // A refusal by the server (an institution member that does not exist) is an IdentityValidationError with status
      // 400 on the fake and a PaxosBadRequestError over HTTP: both are compared as what they are, a 400. Refusals by
      // the domain, before anything is sent, carry no status and are compared with their violations.
      if (e.status === 400) return { rejected: 400 };
      return { error: e.code, conflict: e.conflict, violations: e.violations?.map((v) => `${v.path}:${v.code}`) };
    }
  }
}

describe('model: the in-memory fake and the Paxos adapter → emulator answer alike', function () {
  this.timeout(60_000);

  it('for random sequences of create, get, list, update and sandbox-status calls', async () => {
    let compared = 0;
    await fc.assert(
      // Two creates first, so that most calls find an identity; then up to 13 calls of any kind.
      fc.asyncProperty(fc.tuple(create, create, fc.array(op, { maxLength: 13 })), async ([first, second, rest]) => {
        const ops: Op[] = [first, second, ...rest];
        // The fake holds identities PENDING until sandbox-status; so does the emulator, for the two to be compared.
        const emulator = await startPaxosEmulator({ approval: 'manual' });
        try {
          const fake = new Side(createIdentityService({ adapter: 'in-memory' }));
          const http = new Side(
            createIdentityService({
              adapter: 'paxos',
              paxos: {
                ...paxosOptionsFor(emulator),
                rateLimit: false,
              },
            }),
          );
          for (const [i, o] of ops.entries()) {
            const expected = await fake.run(o);
            const actual = await http.run(o);
            expect(actual, `step ${i}: ${JSON.stringify(o)}`).to.deep.equal(expected);
            compared += 1;
          }
        } finally {
          await emulator.close();
        }
      }),
      RUNS,
    );
    expect(compared).to.be.greaterThan(RUNS.numRuns);
  });
});
