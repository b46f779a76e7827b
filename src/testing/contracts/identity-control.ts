import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  IdentityUpdate,
  type Identity,
  type IdentityControlReasonCode,
  type IdentityControlType,
  type NewIdentityControl,
  type PaxosEvent,
} from '../../domain/index.js';
import type { EventGateway, IdentityControlGateway, IdentityGateway, KycRefreshGateway } from '../../ports/index.js';
import { contractPerson as person, rejectsWith } from './fixtures.js';
import { runnerGlobal } from './mocha-globals.js';

/** The gateways {@link describeIdentityControlContract} runs against: one backend seen through four ports. */
export interface ControlContractGateways {
  readonly identities: IdentityGateway;
  readonly controls: IdentityControlGateway;
  readonly kycRefresh: KycRefreshGateway;
  readonly events: EventGateway;
  /**
   * Sets a control as Paxos itself would (`SET_BY_PAXOS`, not overridable): FROZEN cannot be created through the
   * API. Cases that need it are left out without it (Paxos's sandbox has no such door).
   */
  readonly setPaxosControl?: (
    identityId: string,
    type: IdentityControlType,
    reasonCode: IdentityControlReasonCode,
  ) => Promise<void>;
  /** Moves the backend's clock forward, for the expiry of a KYC refresh. Cases that need it are left out without it. */
  readonly advanceClock?: (ms: number) => void;
}

/** Options of {@link describeIdentityControlContract}. */
export interface ControlContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
  /** Register the cases that need {@link ControlContractGateways.setPaxosControl}. Default false. */
  readonly paxosSetControls?: boolean;
  /** Register the cases that need {@link ControlContractGateways.advanceClock}. Default false. */
  readonly movableClock?: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Registers the contract of identity controls (§4.12, §3 #13–15) and KYC refresh (§8.5, §3 #10–12): controls set,
 * listed and deleted, the status they cause (§8.2), the `control_types` / `control_reason_codes` filters of List
 * Identities (§3.3), the control and KYC refresh events (§8.3), and the sandbox start, force-start and reset. Cases
 * use fresh identities and find their own events, so they run against Paxos's sandbox too. `makeGateways` is called
 * once, lazily.
 *
 * @example
 * ```ts
 * const simulator = new PaxosSimulator();
 * describeIdentityControlContract('in-memory', () => ({
 *   identities: new InMemoryIdentityGateway({ simulator }),
 *   controls: new InMemoryIdentityControlGateway({ simulator }),
 *   kycRefresh: new InMemoryKycRefreshGateway({ simulator }),
 *   events: new InMemoryEventGateway({ simulator }),
 * }));
 * ```
 */
export function describeIdentityControlContract(
  name: string,
  makeGateways: () => ControlContractGateways | Promise<ControlContractGateways>,
  options: ControlContractOptions = {},
): void {
  const describe = options.describe ?? runnerGlobal('describeIdentityControlContract', 'describe');
  const it = options.it ?? runnerGlobal('describeIdentityControlContract', 'it');
  let made: Promise<ControlContractGateways> | undefined;
  const gateways = (): Promise<ControlContractGateways> => (made ??= Promise.resolve().then(makeGateways));

  async function approvedIdentity(): Promise<Identity> {
    const g = await gateways();
    const created = await g.identities.create(person());
    await g.identities.setSandboxStatus(created.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const read = await g.identities.get(created.id);
    assert.equal(read.summaryStatus, 'APPROVED', 'the sandbox status change approves the person');
    return read;
  }

  function control(identityId: string, type: NewIdentityControl['type'], reasonCode: IdentityControlReasonCode) {
    return { identityId, type, reasonCode, reason: 'contract test' } satisfies NewIdentityControl;
  }

  /** The events of `type` about `identityId`, oldest first. */
  async function eventsAbout(type: string, identityId: string, since: string): Promise<PaxosEvent[]> {
    const g = await gateways();
    const found: PaxosEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await g.events.listPage({
        type,
        createdAt: { gte: since },
        ...(cursor !== undefined && { pageCursor: cursor }),
      });
      found.push(...result.items.filter((e) => e.object.identityId === identityId));
      cursor = result.nextPageCursor;
      if (cursor === undefined) break;
    }
    return found;
  }

  /** Every identity the filter lists, page after page. */
  async function listedIds(filter: Parameters<IdentityGateway['listPage']>[0]): Promise<Set<string>> {
    const g = await gateways();
    const ids = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await g.identities.listPage({ ...filter, ...(cursor !== undefined && { pageCursor: cursor }) });
      for (const item of result.items) ids.add(item.id);
      cursor = result.nextPageCursor;
      if (cursor === undefined) break;
    }
    return ids;
  }

  describe(`IdentityControlGateway contract: ${name}`, () => {
    it('§4.12 create sets an overridable client control with what was sent, and the list shows it', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      const created = await g.controls.create(control(identity.id, 'SELL_ONLY', 'END_USER_REQUEST'));
      assert.match(created.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      assert.equal(created.type, 'SELL_ONLY');
      assert.equal(created.setBy, 'SET_BY_CLIENT');
      assert.equal(created.isOverridable, true);
      assert.equal(created.reasonCode, 'END_USER_REQUEST');
      assert.ok(!Number.isNaN(Date.parse(created.createdAt)), 'createdAt is a date-time');
      assert.equal(created.deletedAt, undefined);
      const page = await g.controls.listPage({ identityId: identity.id });
      assert.deepEqual(
        page.items.map((c) => [c.id, c.type, c.reasonCode]),
        [[created.id, 'SELL_ONLY', 'END_USER_REQUEST']],
      );
    });

    it('§8.2 an approved identity with an active DORMANT control is DISABLED, and APPROVED again once it is deleted', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      const dormant = await g.controls.create(control(identity.id, 'DORMANT', 'INACTIVITY'));
      assert.equal((await g.identities.get(identity.id)).summaryStatus, 'DISABLED');
      await g.controls.delete(dormant.id, 'the customer came back');
      assert.equal((await g.identities.get(identity.id)).summaryStatus, 'APPROVED');
    });

    it('§8.2 CLOSED and SELL_ONLY disable too; the identity stays DISABLED while any control holds it', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      const closed = await g.controls.create(control(identity.id, 'CLOSED', 'END_USER_REQUEST'));
      const sellOnly = await g.controls.create(control(identity.id, 'SELL_ONLY', 'COMPLIANCE_KYC'));
      assert.equal((await g.identities.get(identity.id)).summaryStatus, 'DISABLED');
      await g.controls.delete(closed.id);
      assert.equal((await g.identities.get(identity.id)).summaryStatus, 'DISABLED', 'SELL_ONLY still holds it');
      await g.controls.delete(sellOnly.id);
      assert.equal((await g.identities.get(identity.id)).summaryStatus, 'APPROVED');
    });

    it('§4.12 a deleted control is listed only with includeDeleted, with its deletedAt; deleting it again is not found', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      const created = await g.controls.create(control(identity.id, 'SELL_ONLY', 'OTHER'));
      await g.controls.delete(created.id);
      const active = await g.controls.listPage({ identityId: identity.id });
      assert.deepEqual(
        active.items.map((c) => c.id),
        [],
      );
      const all = await g.controls.listPage({ identityId: identity.id, includeDeleted: true });
      const deleted = all.items.find((c) => c.id === created.id);
      assert.ok(deleted !== undefined, 'includeDeleted lists the deleted control');
      assert.ok(deleted.deletedAt !== undefined && !Number.isNaN(Date.parse(deleted.deletedAt)), 'deletedAt is set');
      await rejectsWith(g.controls.delete(created.id), (error) => {
        assert.equal(error['code'], 'identity_control_not_found');
        assert.equal(error['status'], 404);
      });
    });

    it('§4.12 a control on an unknown identity, or the controls of one, are refused as not found', async () => {
      const g = await gateways();
      const unknown = randomUUID();
      await rejectsWith(g.controls.create(control(unknown, 'SELL_ONLY', 'OTHER')), (error) => {
        assert.equal(error['code'], 'identity_not_found');
        assert.equal(error['status'], 404);
      });
      await rejectsWith(g.controls.listPage({ identityId: unknown }), (error) => {
        assert.equal(error['code'], 'identity_not_found');
      });
    });

    it('§3.3 List Identities keeps, by control_types and control_reason_codes, only identities with a matching active control', async () => {
      const g = await gateways();
      const controlled = await approvedIdentity();
      const plain = await approvedIdentity();
      const closed = await g.controls.create(control(controlled.id, 'CLOSED', 'LEGAL_ORDER'));
      const since = { gte: controlled.createdAt };
      const byType = await listedIds({ controlTypes: ['CLOSED', 'FROZEN'], createdAt: since });
      assert.ok(byType.has(controlled.id), 'a CLOSED identity is listed under control_types CLOSED');
      assert.ok(!byType.has(plain.id), 'an identity without controls is not');
      assert.ok(!(await listedIds({ controlTypes: ['DORMANT'], createdAt: since })).has(controlled.id));
      const byReason = await listedIds({ controlReasonCodes: ['LEGAL_ORDER'], createdAt: since });
      assert.ok(byReason.has(controlled.id) && !byReason.has(plain.id));
      assert.ok(!(await listedIds({ controlReasonCodes: ['RISK_FRAUD'], createdAt: since })).has(controlled.id));
      await g.controls.delete(closed.id);
      const afterDelete = await listedIds({ controlTypes: ['CLOSED'], createdAt: since });
      assert.ok(!afterDelete.has(controlled.id), 'only active controls count');
    });

    it('§8.3 identity.control.created and .deleted carry the identity_control object (id, identity_id, control_id, control_type, set_by, is_overridable, reason_code)', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      const created = await g.controls.create(control(identity.id, 'DORMANT', 'INACTIVITY'));
      await g.controls.delete(created.id);
      for (const type of ['identity.control.created', 'identity.control.deleted']) {
        const events = await eventsAbout(type, identity.id, identity.createdAt);
        const event = events.find((e) => e.object.controlId === created.id);
        assert.ok(event !== undefined, `${type} names the control`);
        assert.equal(event.type, type);
        assert.equal(event.objectType, 'identity_control');
        assert.equal(typeof event.object.id, 'string');
        assert.equal(event.object.identityId, identity.id);
        assert.equal(event.object.controlType, 'DORMANT');
        assert.equal(event.object.setBy, 'CLIENT');
        assert.equal(event.object.isOverridable, true);
        assert.equal(event.object.reasonCode, 'INACTIVITY');
      }
    });

    it('§8.2 a DENIED identity stays DENIED under a control: controls restrict an identity that was approved', async () => {
      const g = await gateways();
      const created = await g.identities.create(person());
      await g.identities.setSandboxStatus(created.id, { idVerification: 'DENIED' });
      const sellOnly = await g.controls.create(control(created.id, 'SELL_ONLY', 'OTHER'));
      assert.equal((await g.identities.get(created.id)).summaryStatus, 'DENIED');
      await g.controls.delete(sellOnly.id);
    });

    if (options.paxosSetControls === true)
      it('§8.2 a FROZEN control Paxos sets makes an approved identity ERROR, and it cannot be deleted (not overridable)', async () => {
        const g = await gateways();
        assert.ok(g.setPaxosControl !== undefined, 'paxosSetControls needs setPaxosControl');
        const identity = await approvedIdentity();
        await g.setPaxosControl(identity.id, 'FROZEN', 'COMPLIANCE_INVESTIGATION');
        assert.equal((await g.identities.get(identity.id)).summaryStatus, 'ERROR');
        const [frozen] = (await g.controls.listPage({ identityId: identity.id })).items;
        assert.ok(frozen !== undefined);
        assert.equal(frozen.type, 'FROZEN');
        assert.equal(frozen.setBy, 'SET_BY_PAXOS');
        assert.equal(frozen.isOverridable, false);
        await rejectsWith(g.controls.delete(frozen.id), (error) => {
          assert.equal(error['status'], 400);
        });
        assert.equal((await g.identities.get(identity.id)).summaryStatus, 'ERROR');
      });
  });

  describe(`KycRefreshGateway contract: ${name}`, () => {
    const refreshDate = () => new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

    it('§8.5 start emits identity.kyc_refresh.started; Update Identity with last_kyc_refresh_date completes it', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      await g.kycRefresh.start(identity.id);
      const [started] = await eventsAbout('identity.kyc_refresh.started', identity.id, identity.createdAt);
      assert.ok(started !== undefined, 'identity.kyc_refresh.started is recorded');
      assert.equal(started.objectType, 'identity_kyc_refresh');
      assert.equal(started.object.identityId, identity.id);
      assert.ok(started.object.nextKycRefreshDate !== undefined, 'next_kyc_refresh_date is set');
      const date = refreshDate();
      const current = await g.identities.get(identity.id);
      const updated = await g.identities.update(
        identity.id,
        IdentityUpdate.plan(current, { lastKycRefreshDate: date }),
      );
      assert.equal(Date.parse(updated.lastKycRefreshDate ?? ''), Date.parse(date));
      assert.equal(Date.parse((await g.identities.get(identity.id)).lastKycRefreshDate ?? ''), Date.parse(date));
      const [completed] = await eventsAbout('identity.kyc_refresh.completed', identity.id, identity.createdAt);
      assert.ok(completed !== undefined, 'identity.kyc_refresh.completed is recorded');
      assert.equal(completed.objectType, 'identity_kyc_refresh');
      assert.equal(Date.parse(completed.object.lastKycRefreshDate ?? ''), Date.parse(date));
    });

    it('§8.5 an update without last_kyc_refresh_date does not complete a refresh under way', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      await g.kycRefresh.start(identity.id);
      const current = await g.identities.get(identity.id);
      await g.identities.update(identity.id, IdentityUpdate.plan(current, { metadata: { step: 'reviewed' } }));
      assert.deepEqual(await eventsAbout('identity.kyc_refresh.completed', identity.id, identity.createdAt), []);
    });

    it('§8.5 force-start starts a refresh that expires after the expiry_days asked for (up to 90)', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      await g.kycRefresh.forceStart(identity.id, 90);
      const events = await eventsAbout('identity.kyc_refresh.started', identity.id, identity.createdAt);
      assert.equal(events.length, 1);
      const next = Date.parse(events[0]?.object.nextKycRefreshDate ?? '');
      assert.ok(next - Date.parse(events[0]?.createdAt ?? '') > 89 * DAY_MS, 'the window is the 90 days asked for');
    });

    it('§8.5 reset ends the refresh under way, so that a new one can start', async () => {
      const g = await gateways();
      const identity = await approvedIdentity();
      await g.kycRefresh.start(identity.id);
      await g.kycRefresh.reset(identity.id);
      await g.kycRefresh.start(identity.id);
      const started = await eventsAbout('identity.kyc_refresh.started', identity.id, identity.createdAt);
      assert.equal(started.length, 2);
    });

    if (options.movableClock === true)
      it('§8.5 a refresh not completed in its window emits identity.kyc_refresh.expired and the identity is restricted to selling', async () => {
        const g = await gateways();
        assert.ok(g.advanceClock !== undefined, 'movableClock needs advanceClock');
        const identity = await approvedIdentity();
        await g.kycRefresh.forceStart(identity.id, 1);
        g.advanceClock(DAY_MS + 1000);
        assert.equal((await g.identities.get(identity.id)).summaryStatus, 'DISABLED');
        const [expired] = await eventsAbout('identity.kyc_refresh.expired', identity.id, identity.createdAt);
        assert.ok(expired !== undefined, 'identity.kyc_refresh.expired is recorded');
        assert.equal(expired.objectType, 'identity_kyc_refresh');
        const [hold] = (await g.controls.listPage({ identityId: identity.id })).items;
        assert.equal(hold?.type, 'SELL_ONLY');
        assert.equal(hold.reasonCode, 'COMPLIANCE_KYC');
        assert.equal(hold.setBy, 'SET_BY_PAXOS');
      });

    it('§8.5 the sandbox routes refuse an unknown identity as not found', async () => {
      const g = await gateways();
      const unknown = randomUUID();
      await rejectsWith(g.kycRefresh.start(unknown), (error) => {
        assert.equal(error['code'], 'identity_not_found');
      });
      await rejectsWith(g.kycRefresh.reset(unknown), (error) => {
        assert.equal(error['code'], 'identity_not_found');
      });
    });
  });
}
