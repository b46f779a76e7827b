import type {
  IdentityControl,
  IdentityControlPage,
  IdentityStatus,
  ListIdentitiesFilter,
  ListIdentityControlsFilter,
  Open,
} from '../../../domain/index.js';
import { pageBy } from './listing.js';

/** A control as the simulation keeps it: the control and the identity it restricts. */
export interface ControlRecord {
  readonly identityId: string;
  control: IdentityControl;
}

/** A control to set: what an API user sends, or what Paxos sets itself (FROZEN, a KYC refresh that expired). */
export interface ControlDraft {
  readonly identityId: string;
  readonly type: string;
  readonly reasonCode: string;
  readonly reason?: string | undefined;
  readonly setBy: 'SET_BY_CLIENT' | 'SET_BY_PAXOS';
}

/** One identity's KYC refresh (§8.5): started with a deadline, or none. */
interface KycRefreshState {
  /** Epoch ms after which a started refresh expires. */
  readonly deadline: number;
  readonly nextKycRefreshDate: string;
}

const DISABLING = new Set(['SELL_ONLY', 'CLOSED', 'DORMANT']);

/**
 * The summary status once active controls are applied to `base`, the status the verifications give (§8.2, inferred):
 * SELL_ONLY, CLOSED or DORMANT make DISABLED, FROZEN makes ERROR, and both only for an identity that was approved
 * (DISABLED is "was approved, then off-boarded"); a PENDING or DENIED identity keeps its status.
 */
export function controlledStatus(base: Open<IdentityStatus>, active: readonly IdentityControl[]): Open<IdentityStatus> {
  if (active.length === 0 || (base !== 'APPROVED' && base !== 'DISABLED')) return base;
  if (active.some((c) => DISABLING.has(c.type))) return 'DISABLED';
  if (active.some((c) => c.type === 'FROZEN')) return 'ERROR';
  return base;
}

/** The wire `set_by` of the control event object (§8.3): `PAXOS` / `CLIENT`. */
export function eventSetBy(setBy: string): string {
  return setBy.replace(/^SET_BY_/, '');
}

/**
 * One API user's identity controls and KYC refreshes. Controls page by (createdAt, id) oldest first; a deleted
 * control keeps its record with `deletedAt` and is listed only with `includeDeleted`.
 */
export class SimulatedControls {
  private readonly byId = new Map<string, ControlRecord>();
  private readonly refreshes = new Map<string, KycRefreshState>();

  add(id: string, draft: ControlDraft, createdAt: string): IdentityControl {
    const control: IdentityControl = Object.freeze({
      id,
      type: draft.type,
      setBy: draft.setBy,
      isOverridable: draft.setBy === 'SET_BY_CLIENT',
      reasonCode: draft.reasonCode,
      ...(draft.reason !== undefined && { reason: draft.reason }),
      createdAt,
    });
    this.byId.set(id, { identityId: draft.identityId, control });
    return control;
  }

  /** The active record of `id`, or undefined when unknown or deleted. */
  active(id: string): ControlRecord | undefined {
    const record = this.byId.get(id);
    return record === undefined || record.control.deletedAt !== undefined ? undefined : record;
  }

  markDeleted(record: ControlRecord, deletedAt: string): void {
    record.control = Object.freeze({ ...record.control, deletedAt });
  }

  /** The controls restricting an identity now. */
  activeOf(identityId: string): IdentityControl[] {
    const out: IdentityControl[] = [];
    for (const r of this.byId.values())
      if (r.identityId === identityId && r.control.deletedAt === undefined) out.push(r.control);
    return out;
  }

  /** Whether an identity passes the `controlTypes` / `controlReasonCodes` filters of List Identities. */
  matches(identityId: string, filter: ListIdentitiesFilter): boolean {
    const types = filter.controlTypes;
    const reasons = filter.controlReasonCodes;
    if (types === undefined && reasons === undefined) return true;
    const active = this.activeOf(identityId);
    return (
      (types === undefined || active.some((c) => (types as readonly string[]).includes(c.type))) &&
      (reasons === undefined ||
        active.some((c) => c.reasonCode !== undefined && (reasons as readonly string[]).includes(c.reasonCode)))
    );
  }

  page(filter: ListIdentityControlsFilter, maxPageSize: number): IdentityControlPage {
    const records = [...this.byId.values()]
      .filter((r) => r.identityId === filter.identityId)
      .map((r) => ({ id: r.control.id, createdAt: r.control.createdAt, updatedAt: r.control.createdAt, r }));
    const page = pageBy(
      records,
      (x) => filter.includeDeleted === true || x.r.control.deletedAt === undefined,
      { order: 'ASC', pageCursor: filter.pageCursor, limit: filter.limit },
      maxPageSize,
    );
    return {
      items: page.items.map((x) => x.r.control),
      ...(page.nextPageCursor !== undefined && { nextPageCursor: page.nextPageCursor }),
    };
  }

  startRefresh(identityId: string, deadline: number, nextKycRefreshDate: string): void {
    this.refreshes.set(identityId, { deadline, nextKycRefreshDate });
  }

  /** Whether a refresh of the identity is under way (started, not completed, expired or reset). */
  refreshing(identityId: string): boolean {
    return this.refreshes.has(identityId);
  }

  endRefresh(identityId: string): void {
    this.refreshes.delete(identityId);
  }

  /** The identities whose refresh passed its deadline at `now`, taken out of the refreshes under way. */
  takeExpired(now: number): { identityId: string; nextKycRefreshDate: string }[] {
    const expired: { identityId: string; nextKycRefreshDate: string }[] = [];
    for (const [identityId, state] of this.refreshes) {
      if (now < state.deadline) continue;
      this.refreshes.delete(identityId);
      expired.push({ identityId, nextKycRefreshDate: state.nextKycRefreshDate });
    }
    return expired;
  }
}
