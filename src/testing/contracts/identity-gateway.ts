/** The contract every IdentityGateway passes: the fake, the Paxos adapter against the emulator or the sandbox, yours. */
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import {
  IdentityUpdate,
  NewIdentity,
  type CreateIdentityCommand,
  type Identity,
  type IdentityChanges,
  type ListIdentitiesFilter,
} from '../../domain/index.js';
import type { IdentityGateway } from '../../ports/index.js';
import { randomSsn } from './fixtures.js';
import { runnerGlobal } from './mocha-globals.js';

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

/** A create command that names its `refId` and carries person details. */
type PersonCommand = CreateIdentityCommand & { refId: string; person: NonNullable<CreateIdentityCommand['person']> };

/**
 * A passthrough-verified US person, as on Paxos's create page, with a fresh SSN and `refId`. `verifiedBy: 'PAXOS'`
 * leaves the verification to Paxos instead: the sandboxes do not auto-approve such a person (§9), so it stays PENDING;
 * `passthroughStatus: 'DENIED'` reports a failed passthrough verification.
 */
function person(
  changes: { ssn?: string; refId?: string; verifiedBy?: 'PAXOS'; passthroughStatus?: 'APPROVED' | 'DENIED' } = {},
): PersonCommand {
  const verification: Partial<PersonCommand['person']> =
    changes.verifiedBy === 'PAXOS'
      ? { verifierType: 'PAXOS' }
      : {
          verifierType: 'PASSTHROUGH',
          passthroughVerifierType: 'JUMIO',
          passthroughVerifiedAt: '2021-06-16T09:28:14Z',
          ...(changes.passthroughStatus !== undefined && { passthroughVerificationStatus: changes.passthroughStatus }),
        };
  return {
    refId: changes.refId ?? randomUUID(),
    person: {
      ...verification,
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

/** A trust whose one member, a TRUSTEE, is `memberId`; identified by a fresh SSN, so its tax detail is derived. */
function trust(memberId: string): CreateIdentityCommand {
  return {
    refId: randomUUID(),
    institution: {
      name: 'Example Family Trust',
      businessAddress: { country: 'USA', address1: '2 Example Ave', city: 'Boston', province: 'MA', zipCode: '02101' },
      institutionType: 'TRUST',
      institutionSubType: 'INVESTMENT',
      cipId: randomSsn(),
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      govtRegistrationDate: '2021-04-14T00:00:00Z',
    },
    institutionMembers: [{ identityId: memberId, roles: ['TRUSTEE'] }],
  };
}

/** Plans `changes` against the identity as the gateway holds it now, as the update use case does. */
async function planUpdate(gateway: IdentityGateway, id: string, changes: IdentityChanges): Promise<IdentityUpdate> {
  const current = await gateway.get(id, { includeDetails: true, includeInstitutionMembers: true });
  return IdentityUpdate.plan(current, changes);
}

const MAX_PAGES = 100;

/**
 * The pages of a listing until every id of `wanted` was seen (or the list ends), keeping only those ids: a shared
 * backend lists other identities too, so the cases look for their own and never count.
 */
async function pagesOf(
  gateway: IdentityGateway,
  filter: ListIdentitiesFilter,
  wanted: readonly string[],
): Promise<string[][]> {
  const mine = new Set(wanted);
  const pages: string[][] = [];
  let seen = 0;
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await gateway.listPage({ ...filter, ...(cursor !== undefined && { pageCursor: cursor }) });
    const own = page.items.map((item) => item.id).filter((id) => mine.has(id));
    pages.push(own);
    seen += own.length;
    cursor = page.nextPageCursor;
    if (cursor === undefined || seen >= mine.size) break;
  }
  return pages;
}

function draft(command: CreateIdentityCommand): NewIdentity {
  return NewIdentity.create(command);
}

/** Reads the identity until its status is no longer PENDING (Paxos decides asynchronously) or the time is up. */
async function settled(gateway: IdentityGateway, id: string, timeoutMs = 10_000): Promise<Identity> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const identity = await gateway.get(id);
    if (identity.summaryStatus !== 'PENDING' || Date.now() >= deadline) return identity;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Array.isArray without its narrowing, which would widen a readonly list to any[]. */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/** Checks that an identity answer carries SPEC26's `status` (equal to the summary) and `status_details` (§4.1). */
function assertStatusShape(identity: Identity, where: string): void {
  assert.equal(identity.status, identity.summaryStatus, `${where}: status is the summary status`);
  const details = identity.statusDetails;
  assert.ok(details !== undefined, `${where}: status_details is there`);
  assert.ok(isList(details.activeControls), `${where}: active_controls is a list`);
  assert.ok(isList(details.requirements), `${where}: requirements is a list`);
  for (const requirement of details.requirements) {
    assert.equal(typeof requirement.type, 'string', `${where}: a requirement has a type`);
    assert.ok(['PENDING', 'FAILED'].includes(requirement.status), `${where}: requirement status ${requirement.status}`);
    assert.ok(isList(requirement.errors), `${where}: a requirement lists its errors`);
  }
}

const approvePerson = { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' } as const;

/** Checks a rejection by the library's stable error `code`, so that it holds across copies of the library. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  check: (error: Record<string, unknown>) => void = () => {},
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error !== null && typeof error === 'object', 'expected an error object');
    const record = error as Record<string, unknown>;
    assert.equal(
      record['code'],
      code,
      `expected error code ${code}, got ${String(record['code'])} (${String(record['name'])})`,
    );
    check(record);
    return true;
  });
}

/** The first identity created in a test, which its list filters start from. */
function oldestOf(created: readonly Identity[]): Identity {
  const oldest = created[0];
  if (oldest === undefined) throw new Error('the test created no identity to list from');
  return oldest;
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
  const describe = options.describe ?? runnerGlobal('describeIdentityGatewayContract', 'describe');
  const it = options.it ?? runnerGlobal('describeIdentityGatewayContract', 'it');
  let made: Promise<IdentityGateway> | undefined;
  const gateway = (): Promise<IdentityGateway> => (made ??= Promise.resolve().then(makeGateway));

  describe(`IdentityGateway contract: ${name}`, () => {
    it("creates a PERSON: PENDING, with Paxos's sub-statuses, the tax detail derived from the SSN and timestamps", async () => {
      const command = person();
      const identity = await (await gateway()).create(draft(command));
      assert.equal(typeof identity.id, 'string');
      assert.ok(identity.id.length > 0, 'the identity has an id');
      assert.equal(identity.type, 'PERSON');
      assert.equal(identity.refId, command.refId);
      assert.equal(identity.summaryStatus, 'PENDING');
      assert.equal(identity.person?.firstName, 'John');
      assert.equal(identity.person.cipId?.reveal(), command.person.cipId);
      assert.equal(identity.person.dateOfBirth?.reveal(), '1980-01-01');
      assert.equal(identity.person.address?.zipCode, '10001');
      assert.equal(
        identity.person.idVerificationStatus,
        'APPROVED',
        'a passthrough verification counts as id verification',
      );
      assert.equal(identity.person.sanctionsVerificationStatus, 'PENDING');
      assert.deepEqual(
        identity.taxDetails.map((t) => ({ id: t.taxPayerId.reveal(), country: t.taxPayerCountry })),
        [{ id: command.person.cipId, country: 'USA' }],
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
      assert.ok(first.refId !== undefined, 'the created identity carries its refId');
      const again = person({ refId: first.refId });
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
      await rejectsWith(g.create(draft(person({ ssn: command.person.cipId }))), 'identity_already_exists', (error) => {
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
      assert.equal(got.person.cipId?.reveal(), command.person.cipId);
      assert.equal(got.person.cipIdType, 'SSN');
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

    it("gets an institution's members only when they are asked for", async () => {
      const g = await gateway();
      const member = await g.create(draft(person()));
      const created = await g.create(draft(trust(member.id)));
      assert.equal(created.type, 'INSTITUTION');
      const without = await g.get(created.id, { includeDetails: true });
      assert.equal(without.institutionMembers, undefined);
      assert.equal(without.institution?.name, 'Example Family Trust');
      const withMembers = await g.get(created.id, { includeDetails: false, includeInstitutionMembers: true });
      assert.equal(withMembers.institution, undefined);
      assert.deepEqual(
        withMembers.institutionMembers?.map((m) => [m.identityId, [...m.roles]]),
        [[member.id, ['TRUSTEE']]],
      );
    });

    it('lists page by page with a small limit, oldest first with order ASC, each identity once, without details', async () => {
      const g = await gateway();
      const created: Identity[] = [];
      for (let i = 0; i < 5; i++) created.push(await g.create(draft(person())));
      const ids = created.map((x) => x.id);
      const pages = await pagesOf(g, { limit: 2, order: 'ASC', createdAt: { gte: oldestOf(created).createdAt } }, ids);
      assert.ok(pages.length >= 3, `5 identities at 2 a page take at least 3 pages, got ${pages.length}`);
      assert.ok(
        pages.every((page) => page.length <= 2),
        'no page is larger than the limit',
      );
      assert.deepEqual(pages.flat(), ids);
      const first = await g.listPage({ limit: 2, order: 'ASC', createdAt: { gte: oldestOf(created).createdAt } });
      const item = first.items.find((x) => x.id === ids[0]);
      assert.ok(item !== undefined, 'the oldest identity opens an ASC page from its own creation time');
      assert.equal(item.person, undefined, 'list items carry no details');
      // Paxos's sandbox approves low-risk persons on its own, so either is right here.
      assert.ok(
        ['PENDING', 'APPROVED'].includes(item.summaryStatus),
        `a fresh identity is PENDING or APPROVED, not ${item.summaryStatus}`,
      );
    });

    it('lists newest first by default', async () => {
      const g = await gateway();
      const created: Identity[] = [];
      for (let i = 0; i < 3; i++) created.push(await g.create(draft(person())));
      const ids = created.map((x) => x.id);
      const pages = await pagesOf(g, { limit: 2, createdAt: { gte: oldestOf(created).createdAt } }, ids);
      assert.deepEqual(pages.flat(), [...ids].reverse());
    });

    it('keeps its order across pages while identities are created between two page reads', async () => {
      const g = await gateway();
      const before: Identity[] = [];
      for (let i = 0; i < 4; i++) before.push(await g.create(draft(person())));
      const ids = before.map((x) => x.id);
      const filter: ListIdentitiesFilter = { limit: 2, createdAt: { gte: oldestOf(before).createdAt } };
      const seen: string[] = [];
      let page = await g.listPage(filter);
      const later: string[] = [];
      for (let i = 0; i < MAX_PAGES; i++) {
        seen.push(...page.items.map((x) => x.id));
        if (i === 0) for (let j = 0; j < 3; j++) later.push((await g.create(draft(person()))).id);
        if (page.nextPageCursor === undefined || ids.every((id) => seen.includes(id))) break;
        page = await g.listPage({ ...filter, pageCursor: page.nextPageCursor });
      }
      const own = seen.filter((id) => ids.includes(id));
      assert.deepEqual(own, [...ids].reverse(), 'every identity listed once, newest first');
      assert.equal(new Set(seen).size, seen.length, 'no identity repeated across pages');
      assert.ok(
        later.every((id) => !seen.includes(id)),
        'identities created after the first page do not enter a DESC listing behind it',
      );
    });

    it('filters by identity type and creation time', async () => {
      const g = await gateway();
      const a = await g.create(draft(person()));
      const b = await g.create(draft(person()));
      const c = await g.create(draft(person()));
      const after = await pagesOf(g, { createdAt: { gt: a.createdAt }, order: 'ASC', limit: 100 }, [b.id, c.id]);
      assert.deepEqual(after.flat(), [b.id, c.id]);
      const upTo = await pagesOf(g, { createdAt: { gte: a.createdAt, lte: b.createdAt }, order: 'ASC', limit: 100 }, [
        a.id,
        b.id,
        c.id,
      ]);
      assert.deepEqual(upTo.flat(), [a.id, b.id]);
      const institutions = await pagesOf(
        g,
        { identityType: 'INSTITUTION', createdAt: { gte: a.createdAt }, limit: 100 },
        [a.id, b.id, c.id],
      );
      assert.deepEqual(institutions.flat(), []);
      const persons = await pagesOf(g, { identityType: 'PERSON', createdAt: { gte: a.createdAt }, limit: 100 }, [a.id]);
      assert.deepEqual(persons.flat(), [a.id]);
    });

    it('updates only the fields sent, and moves updatedAt', async () => {
      const g = await gateway();
      const command = person();
      const created = await g.create(draft(command));
      const updated = await g.update(
        created.id,
        await planUpdate(g, created.id, { person: { lastName: 'Smith' }, metadata: { stage: 'updated' } }),
      );
      assert.equal(updated.id, created.id);
      assert.equal(updated.person?.lastName, 'Smith');
      assert.equal(updated.person.firstName, 'John');
      assert.equal(updated.person.cipId?.reveal(), command.person.cipId);
      assert.equal(updated.person.dateOfBirth?.reveal(), '1980-01-01');
      assert.deepEqual({ ...updated.person.address }, { ...created.person?.address });
      assert.equal(updated.refId, command.refId);
      assert.deepEqual({ ...updated.metadata }, { stage: 'updated' }, 'metadata is replaced as a whole');
      assert.equal(updated.createdAt, created.createdAt);
      assert.notEqual(updated.updatedAt, created.updatedAt);
      const got = await g.get(created.id, { includeDetails: true });
      assert.equal(got.person?.lastName, 'Smith');
      assert.equal(got.person.email, 'example@somemail.org');
    });

    it('clears address2 when it is sent empty, keeping the rest of the address', async () => {
      const g = await gateway();
      const command = person();
      command.person.address.address2 = 'Apt 4';
      const created = await g.create(draft(command));
      assert.equal(created.person?.address?.address2, 'Apt 4');
      const updated = await g.update(
        created.id,
        await planUpdate(g, created.id, { person: { address: { address2: '' } } }),
      );
      assert.equal(updated.person?.address?.address2, undefined);
      assert.equal(updated.person?.address?.address1, '1 Example St');
      assert.equal(updated.person.address.zipCode, '10001');
    });

    it('replaces the whole list of tax details', async () => {
      const g = await gateway();
      const command = person();
      const created = await g.create(draft(command));
      const two = [
        { taxPayerId: command.person.cipId, taxPayerCountry: 'USA' },
        { taxPayerId: 'DE123456789', taxPayerCountry: 'DEU' },
      ];
      const updated = await g.update(created.id, await planUpdate(g, created.id, { taxDetails: two }));
      assert.deepEqual(
        updated.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry]),
        two.map((t) => [t.taxPayerId, t.taxPayerCountry]),
      );
      const one = [{ taxPayerId: 'DE987654321', taxPayerCountry: 'DEU' }];
      const again = await g.update(created.id, await planUpdate(g, created.id, { taxDetails: one }));
      assert.deepEqual(
        again.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry]),
        [['DE987654321', 'DEU']],
      );
    });

    it('refuses to change the type of an identity', async () => {
      const g = await gateway();
      const member = await g.create(draft(person()));
      const institution = await g.create(draft(trust(member.id)));
      const asInstitution = await planUpdate(g, institution.id, { institution: { name: 'Renamed Trust' } });
      // The domain refuses person details for an institution before anything is sent...
      assert.throws(
        () => IdentityUpdate.plan(institution, { person: { lastName: 'Smith' } }),
        (error: unknown) => {
          assert.equal((error as Record<string, unknown>)['code'], 'identity_invalid');
          return true;
        },
      );
      // ...and so does the gateway, for institution details sent to a person.
      await assert.rejects(g.update(member.id, asInstitution));
      const unchanged = await g.get(member.id, { includeDetails: true });
      assert.equal(unchanged.type, 'PERSON');
      assert.equal(unchanged.institution, undefined);
      assert.equal(unchanged.person?.lastName, 'Doe');
    });

    it('reports an update of an unknown id as identity_not_found', async () => {
      const g = await gateway();
      const created = await g.create(draft(person()));
      const update = await planUpdate(g, created.id, { person: { lastName: 'Smith' } });
      const id = randomUUID();
      await rejectsWith(g.update(id, update), 'identity_not_found', (error) => {
        assert.equal(error['identityId'], id);
      });
    });

    it('§4.1 §4.11 every identity answer carries status and status_details: create, get, list and update', async () => {
      const g = await gateway();
      const created = await g.create(draft(person({ verifiedBy: 'PAXOS' })));
      assertStatusShape(created, 'create');
      assert.equal(created.status, 'PENDING');
      assert.ok((created.statusDetails?.requirements.length ?? 0) > 0, 'a PENDING identity has a requirement open');
      const got = await g.get(created.id, { includeDetails: true });
      assertStatusShape(got, 'get');
      assert.ok(
        got.statusDetails?.requirements.some((r) => r.type === 'ID_VERIFICATION'),
        'Paxos has not verified the person yet',
      );
      const listed = (await g.listPage({ createdAt: { gte: created.createdAt }, limit: 100 })).items.find(
        (item) => item.id === created.id,
      );
      assert.ok(listed !== undefined, 'the identity is listed');
      assertStatusShape(listed, 'list');
      const updated = await g.update(created.id, await planUpdate(g, created.id, { metadata: { touched: 'yes' } }));
      assertStatusShape(updated, 'update');
    });

    it('§8.2 a DENIED passthrough verification leads to DENIED: create answers PENDING, then the identity is DENIED', async () => {
      const g = await gateway();
      const created = await g.create(draft(person({ passthroughStatus: 'DENIED' })));
      assert.equal(created.summaryStatus, 'PENDING', 'create always answers PENDING (§3.1)');
      const decided = await settled(g, created.id);
      assert.equal(decided.summaryStatus, 'DENIED');
      assert.equal(decided.status, 'DENIED');
      assert.ok(
        decided.statusDetails?.requirements.some((r) => r.type === 'ID_VERIFICATION' && r.status === 'FAILED'),
        'the failed verification is the requirement that failed',
      );
    });

    it('§8.1 a never-approved identity is not DISABLED: set_user_disabled leaves a PENDING person PENDING', async () => {
      const g = await gateway();
      const created = await g.create(draft(person({ verifiedBy: 'PAXOS' })));
      const disabled = await g.update(created.id, await planUpdate(g, created.id, { setUserDisabled: true }));
      assert.equal(disabled.userDisabled, true);
      assert.equal(disabled.summaryStatus, 'PENDING', 'DISABLED means "was approved, then off-boarded"');
      assert.equal((await g.get(created.id)).summaryStatus, 'PENDING');
    });

    if (options.sandboxStatus !== false) {
      it('filters by summary status and update time', async () => {
        const g = await gateway();
        const a = await g.create(draft(person()));
        const b = await g.create(draft(person()));
        await g.setSandboxStatus(b.id, approvePerson);
        const disabled = await g.update(b.id, await planUpdate(g, b.id, { setUserDisabled: true }));
        assert.equal(disabled.summaryStatus, 'DISABLED');
        const pending = await pagesOf(g, { summaryStatus: 'PENDING', createdAt: { gte: a.createdAt }, limit: 100 }, [
          a.id,
          b.id,
        ]);
        assert.ok(!pending.flat().includes(b.id), 'a DISABLED identity is not listed as PENDING');
        const off = await pagesOf(g, { summaryStatus: 'DISABLED', createdAt: { gte: a.createdAt }, limit: 100 }, [
          a.id,
          b.id,
        ]);
        assert.deepEqual(off.flat(), [b.id]);
        const touched = await pagesOf(
          g,
          { updatedAt: { gte: disabled.updatedAt }, createdAt: { gte: a.createdAt }, limit: 100 },
          [a.id, b.id],
        );
        assert.deepEqual(touched.flat(), [b.id]);
      });

      it('§8.1 set_user_disabled: true makes an APPROVED person DISABLED, false makes it APPROVED again', async () => {
        const g = await gateway();
        const created = await g.create(draft(person()));
        await g.setSandboxStatus(created.id, approvePerson);
        assert.equal((await g.get(created.id)).summaryStatus, 'APPROVED');
        const disabled = await g.update(created.id, await planUpdate(g, created.id, { setUserDisabled: true }));
        assert.equal(disabled.summaryStatus, 'DISABLED');
        assert.equal((await g.get(created.id)).summaryStatus, 'DISABLED');
        const enabled = await g.update(created.id, await planUpdate(g, created.id, { setUserDisabled: false }));
        assert.equal(enabled.userDisabled, false);
        assert.equal(enabled.summaryStatus, 'APPROVED');
      });

      it('§8.1 a disabled identity whose checks then pass was approved, then off-boarded: DISABLED', async () => {
        const g = await gateway();
        const created = await g.create(draft(person({ verifiedBy: 'PAXOS' })));
        await g.update(created.id, await planUpdate(g, created.id, { setUserDisabled: true }));
        await g.setSandboxStatus(created.id, approvePerson);
        assert.equal((await g.get(created.id)).summaryStatus, 'DISABLED');
      });

      it('§3.5 sanctions APPROVED alone approves an institution whose members are APPROVED', async () => {
        const g = await gateway();
        const member = await g.create(draft(person({ verifiedBy: 'PAXOS' })));
        await g.setSandboxStatus(member.id, approvePerson);
        const institution = await g.create(draft(trust(member.id)));
        assert.equal(institution.summaryStatus, 'PENDING');
        await g.setSandboxStatus(institution.id, { sanctionsVerification: 'APPROVED' });
        const got = await g.get(institution.id, { includeDetails: true });
        assert.equal(got.summaryStatus, 'APPROVED');
        assert.equal(got.institution?.documentVerificationStatus, 'PENDING', 'no document verification was set');
        assert.deepEqual(got.statusDetails?.requirements, [], 'nothing is left to do');
      });

      it('§3.5 an institution with sanctions APPROVED stays PENDING while a member is not APPROVED', async () => {
        const g = await gateway();
        const member = await g.create(draft(person({ verifiedBy: 'PAXOS' })));
        const institution = await g.create(draft(trust(member.id)));
        await g.setSandboxStatus(institution.id, { sanctionsVerification: 'APPROVED' });
        const got = await g.get(institution.id);
        assert.equal(got.summaryStatus, 'PENDING');
        assert.ok(
          got.statusDetails?.requirements.some((r) => r.type === 'MEMBERS' && r.status === 'PENDING'),
          'the members are what it waits for',
        );
      });

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
