/**
 * `paxos-identity/testing`: what you need to test an application that onboards people to Paxos, without Paxos.
 *
 * - {@link startPaxosEmulator}: a local HTTP server that speaks Paxos's v2 Identity API wire format (OAuth2, scopes,
 *   Problems, 409 duplicates, sandbox status), with fault injection and a request log.
 * - {@link describeIdentityGatewayContract}: the mocha suite every {@link IdentityGateway} of this library passes
 *   (the in-memory fake, the Paxos adapter against the emulator and against Paxos's sandbox); run it against your own.
 *
 * @packageDocumentation
 */
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { NewIdentity, type CreateIdentityCommand, type Identity } from './domain/index.js';
import type { IdentityGateway } from './ports/index.js';

export {
  PaxosEmulator,
  startPaxosEmulator,
  FaultInjector,
  DEFAULT_CLIENT_SCOPES,
  TOKEN_TTL_SECONDS,
  PAXOS_RATE_LIMITS,
  type PaxosEmulatorOptions,
  type RequestLogEntry,
  type EmulatorFault,
  type EmulatorFaultKind,
  type FaultMatch,
  type FaultOptions,
  type InjectedFault,
  type EmulatorCredentials,
  type RateLimitOptions,
  type ApprovalBehaviour,
  type Problem,
} from './adapters/emulator/index.js';

/** A mocha-compatible `describe`. */
export type DescribeFunction = (title: string, body: () => void) => unknown;
/** A mocha-compatible `it`. */
export type ItFunction = (title: string, body: () => Promise<void>) => unknown;

/** Options of {@link describeIdentityGatewayContract}. */
export interface IdentityGatewayContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: DescribeFunction;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: ItFunction;
  /** Run the sandbox-status case. Default true; set false for a gateway bound to production. */
  readonly sandboxStatus?: boolean;
}

/** Paxos's timestamps: RFC 3339 in UTC with fractional seconds (`2022-02-15T05:46:50.957068Z`). */
const PAXOS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** An SSN-shaped id that is unique with overwhelming likelihood, in ranges the SSA issues (no 000, 666, 9xx). */
function randomSsn(): string {
  let area = randomInt(1, 900);
  if (area === 666) area = 665;
  const group = randomInt(1, 100);
  const serial = randomInt(1, 10_000);
  return `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
}

/** A passthrough-verified US person, as on Paxos's create page, with a fresh SSN and `refId`. */
function person(changes: { ssn?: string; refId?: string } = {}): CreateIdentityCommand & { refId: string } {
  return {
    refId: changes.refId ?? randomUUID(),
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'JUMIO',
      passthroughVerifiedAt: '2021-06-16T09:28:14Z',
      firstName: 'John',
      lastName: 'Doe',
      dateOfBirth: '1980-01-01',
      email: 'example@somemail.org',
      cipId: changes.ssn ?? randomSsn(),
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
    },
    metadata: { contract_case: 'paxos-identity' },
  };
}

/** A German passport holder with no tax details, which Paxos allows outside the USA. */
function foreignPerson(): CreateIdentityCommand {
  const passport = `C${String(randomInt(10_000_000, 100_000_000))}`;
  return {
    refId: randomUUID(),
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'ONFIDO',
      passthroughVerifiedAt: '2024-03-01T10:00:00Z',
      firstName: 'Erika',
      lastName: 'Mustermann',
      dateOfBirth: '1990-05-17',
      cipId: passport,
      cipIdType: 'PASSPORT',
      cipIdCountry: 'DEU',
      nationality: 'DEU',
      address: { country: 'DEU', address1: 'Heidestrasse 17', city: 'Koeln', province: 'NW', zipCode: '51147' },
    },
    taxDetailsNotRequired: true,
  };
}

function draft(command: CreateIdentityCommand): NewIdentity {
  return NewIdentity.create(command);
}

/** Checks a rejection by the library's stable error `code`, so that it holds across copies of the library. */
async function rejectsWith(promise: Promise<unknown>, code: string, check: (error: Record<string, unknown>) => void = () => {}): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error !== null && typeof error === 'object', 'expected an error object');
    const record = error as Record<string, unknown>;
    assert.equal(record['code'], code, `expected error code ${code}, got ${String(record['code'])} (${String(record['name'])})`);
    check(record);
    return true;
  });
}

function globalFunction<T>(name: 'describe' | 'it'): T {
  const value = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== 'function') {
    throw new TypeError(`describeIdentityGatewayContract: no global ${name}; run it under mocha or pass { describe, it }`);
  }
  return value as T;
}

/**
 * Registers the identity-gateway contract: the behaviour of Paxos's identity API that every {@link IdentityGateway}
 * must show, as mocha cases (create a PERSON, duplicate `refId`, duplicate CIP triple, get with and without details,
 * not found, sandbox status → APPROVED). Cases create identities with fresh random ids and never count global
 * state, so they run against shared backends such as Paxos's sandbox. `makeGateway` is called once, lazily, by the
 * first case.
 *
 * @example
 * ```ts
 * import { describeIdentityGatewayContract } from 'paxos-identity/testing';
 * describeIdentityGatewayContract('MyIdentityGateway', () => new MyIdentityGateway(...));
 * ```
 */
export function describeIdentityGatewayContract(
  name: string,
  makeGateway: () => IdentityGateway | Promise<IdentityGateway>,
  options: IdentityGatewayContractOptions = {},
): void {
  const describe = options.describe ?? globalFunction<DescribeFunction>('describe');
  const it = options.it ?? globalFunction<ItFunction>('it');
  let made: Promise<IdentityGateway> | undefined;
  const gateway = (): Promise<IdentityGateway> => (made ??= Promise.resolve().then(makeGateway));

  describe(`IdentityGateway contract: ${name}`, () => {
    it('creates a PERSON: PENDING, with Paxos\'s sub-statuses, the tax detail derived from the SSN and timestamps', async () => {
      const command = person();
      const identity = await (await gateway()).create(draft(command));
      assert.equal(typeof identity.id, 'string');
      assert.ok(identity.id.length > 0, 'the identity has an id');
      assert.equal(identity.type, 'PERSON');
      assert.equal(identity.refId, command.refId);
      assert.equal(identity.summaryStatus, 'PENDING');
      assert.equal(identity.person?.firstName, 'John');
      assert.equal(identity.person?.cipId?.reveal(), command.person!.cipId);
      assert.equal(identity.person?.dateOfBirth?.reveal(), '1980-01-01');
      assert.equal(identity.person?.address?.zipCode, '10001');
      assert.equal(identity.person?.idVerificationStatus, 'APPROVED', 'a passthrough verification counts as id verification');
      assert.equal(identity.person?.sanctionsVerificationStatus, 'PENDING');
      assert.deepEqual(
        identity.taxDetails.map((t) => ({ id: t.taxPayerId.reveal(), country: t.taxPayerCountry })),
        [{ id: command.person!.cipId, country: 'USA' }],
      );
      assert.deepEqual({ ...identity.metadata }, command.metadata);
      assert.match(identity.createdAt, PAXOS_TIMESTAMP);
      assert.match(identity.updatedAt, PAXOS_TIMESTAMP);
    });

    it('creates a non-US PERSON whose tax details are not required', async () => {
      const identity = await (await gateway()).create(draft(foreignPerson()));
      assert.equal(identity.summaryStatus, 'PENDING');
      assert.equal(identity.taxDetailsNotRequired, true);
      assert.deepEqual(identity.taxDetails, []);
      assert.equal(identity.person?.cipIdType, 'PASSPORT');
    });

    it('refuses a second identity with the same refId: conflict ref_id, with the existing id', async () => {
      const g = await gateway();
      const first = await g.create(draft(person()));
      const again = person({ refId: first.refId! });
      await rejectsWith(g.create(draft(again)), 'identity_already_exists', (error) => {
        assert.equal(error['conflict'], 'ref_id');
        assert.equal(error['existingId'], first.id);
        assert.equal(error['status'], 409);
      });
    });

    it('refuses a second identity with the same CIP triple: conflict cip_id, with the existing id', async () => {
      const g = await gateway();
      const command = person();
      const first = await g.create(draft(command));
      await rejectsWith(g.create(draft(person({ ssn: command.person!.cipId }))), 'identity_already_exists', (error) => {
        assert.equal(error['conflict'], 'cip_id');
        assert.equal(error['existingId'], first.id);
      });
    });

    it('gets an identity with its details', async () => {
      const g = await gateway();
      const command = person();
      const created = await g.create(draft(command));
      const got = await g.get(created.id, { includeDetails: true });
      assert.equal(got.id, created.id);
      assert.equal(got.type, 'PERSON');
      assert.equal(got.refId, command.refId);
      assert.equal(got.person?.lastName, 'Doe');
      assert.equal(got.person?.cipId?.reveal(), command.person!.cipId);
      assert.equal(got.person?.cipIdType, 'SSN');
      assert.equal(got.createdAt, created.createdAt);
    });

    it('gets an identity without its details when they are not asked for', async () => {
      const g = await gateway();
      const created = await g.create(draft(person()));
      const got: Identity = await g.get(created.id, { includeDetails: false });
      assert.equal(got.id, created.id);
      assert.equal(got.type, 'PERSON');
      assert.equal(got.person, undefined);
      assert.equal(got.institution, undefined);
    });

    it('reports an unknown id as identity_not_found', async () => {
      const id = randomUUID();
      await rejectsWith((await gateway()).get(id), 'identity_not_found', (error) => {
        assert.equal(error['identityId'], id);
      });
    });

    if (options.sandboxStatus !== false) {
      it('sandbox status: approving id verification and sanctions makes the person APPROVED', async () => {
        const g = await gateway();
        const created = await g.create(draft(person()));
        await g.setSandboxStatus(created.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
        const got = await g.get(created.id, { includeDetails: true });
        assert.equal(got.summaryStatus, 'APPROVED');
        assert.equal(got.isApproved, true);
        assert.equal(got.person?.sanctionsVerificationStatus, 'APPROVED');
      });
    }
  });
}

export {
  describeIdentityLifecycleContract,
  type LifecycleGateways,
  type LifecycleContractOptions,
} from './testing/lifecycle-contract.js';
