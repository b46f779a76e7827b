import {
  AccountAlreadyExistsError,
  AccountMemberNotFoundError,
  AccountNotFoundError,
  checkMembersReplacement,
  IdentityNotFoundError,
  IdentityRejectedError,
  ViolationList,
  type Account,
  type AccountDelta,
  type AccountMember,
  type AccountPage,
  type Identity,
  type ListAccountsFilter,
  type Metadata,
  type Violation,
} from '../../../domain/index.js';
import type { Clock, IdGenerator } from '../../../ports/index.js';
import { pageBy } from './listing.js';

/** What {@link SimulatedAccounts.create} stores: a `NewAccount`, or a body a judge of its own accepted (the emulator). */
export interface AccountDraft {
  readonly identityId: string;
  readonly description?: string | undefined;
  readonly refId?: string | undefined;
  readonly metadata?: Metadata | undefined;
  readonly members?: readonly AccountMember[] | undefined;
  readonly type?: string | undefined;
  readonly createProfile?: boolean | undefined;
}

/** What the accounts of one API user see of the simulated Paxos around them. */
export interface SimulatedAccountsContext {
  /** The API user's identity with this id, or undefined. */
  readonly identity: (id: string) => Identity | undefined;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Paxos-style timestamps, strictly increasing (the simulator shares its own, so accounts and identities interleave). */
  readonly timestamps: { next(now: Date): string };
  readonly maxPageSize: number;
}

type Stored = { -readonly [K in keyof Account]: Account[K] } & { createdAt: string; updatedAt: string };

/**
 * One API user's accounts, as Paxos's Accounts and Account Members endpoints keep them: `refId` unique among them,
 * a primary identity and member identities that must be this user's, member links with ids, a profile id when one was
 * asked for, and a summary status that is the primary identity's (DISABLED once the account is disabled).
 */
export class SimulatedAccounts {
  private readonly byId = new Map<string, Stored>();
  private readonly byRefId = new Map<string, string>();

  constructor(private readonly ctx: SimulatedAccountsContext) {}

  /** `POST /identity/accounts`. */
  create(draft: AccountDraft): Account {
    if (this.ctx.identity(draft.identityId) === undefined) throw new IdentityNotFoundError(draft.identityId);
    if (draft.refId !== undefined) {
      const existing = this.byRefId.get(draft.refId);
      if (existing !== undefined) throw new AccountAlreadyExistsError(existing);
    }
    this.requireIdentities(draft.members ?? [], 'members');
    const now = this.ctx.timestamps.next(this.ctx.clock.now());
    const stored: Stored = {
      id: this.ctx.ids.next(),
      identityId: draft.identityId,
      createdAt: now,
      updatedAt: now,
      ...(draft.description !== undefined && { description: draft.description }),
      ...(draft.refId !== undefined && { refId: draft.refId }),
      ...(draft.metadata !== undefined && { metadata: Object.freeze({ ...draft.metadata }) }),
      ...(draft.type !== undefined && { type: draft.type }),
      ...(draft.createProfile === true && { profileId: this.ctx.ids.next() }),
      members: this.link(draft.members ?? []),
      adminDisabled: false,
      userDisabled: false,
    };
    this.byId.set(stored.id, stored);
    if (stored.refId !== undefined) this.byRefId.set(stored.refId, stored.id);
    return this.view(stored);
  }

  /** `GET /identity/accounts/{id}`. */
  get(id: string): Account {
    return this.view(this.require(id));
  }

  /** `GET /identity/accounts`: ordered by (createdAt, id), DESC unless asked otherwise, by position cursor. */
  listPage(filter: ListAccountsFilter): AccountPage {
    const page = pageBy(
      this.byId.values(),
      (account) => filter.identityId === undefined || account.identityId === filter.identityId,
      filter,
      this.ctx.maxPageSize,
    );
    return {
      items: page.items.map((account) => this.view(account)),
      ...(page.nextPageCursor !== undefined && { nextPageCursor: page.nextPageCursor }),
    };
  }

  /**
   * `PUT /identity/accounts`: `metadata` and `members` replace what is held; a member that stays as it was keeps its
   * link id. The member rules are checked against the account as it is now, as Paxos would.
   */
  update(id: string, delta: AccountDelta): Account {
    const current = this.require(id);
    if (delta.refId !== undefined && delta.refId !== current.refId) {
      const existing = this.byRefId.get(delta.refId);
      if (existing !== undefined && existing !== id) throw new AccountAlreadyExistsError(existing);
    }
    const next: Stored = { ...current, updatedAt: this.ctx.timestamps.next(this.ctx.clock.now()) };
    if (delta.members !== undefined) {
      const v = new ViolationList();
      if (delta.members.length === 0) v.add('members', 'min_items', 'must have at least 1 item');
      checkMembersReplacement(v, 'members', current.members ?? [], delta.members);
      if (!v.isEmpty) throw rejected(v.items);
      this.requireIdentities(delta.members, 'members');
      next.members = this.relink(current.members ?? [], delta.members);
    }
    if (delta.description !== undefined) next.description = delta.description;
    if (delta.metadata !== undefined) next.metadata = Object.freeze({ ...delta.metadata });
    if (delta.setUserDisabled !== undefined) next.userDisabled = delta.setUserDisabled;
    if (delta.refId !== undefined) {
      if (current.refId !== undefined) this.byRefId.delete(current.refId);
      next.refId = delta.refId;
      this.byRefId.set(delta.refId, id);
    }
    this.byId.set(id, next);
    return this.view(next);
  }

  /** `POST /identity/account-members`: the new links join the existing ones. */
  addMembers(accountId: string, members: readonly AccountMember[]): { accountId: string; members: AccountMember[] } {
    const current = this.require(accountId);
    if (members.length === 0)
      throw rejected([{ path: 'members', code: 'min_items', message: 'members: must have at least 1 item' }]);
    this.requireIdentities(members, 'members');
    const linked = this.link(members);
    this.byId.set(accountId, {
      ...current,
      members: [...(current.members ?? []), ...linked],
      updatedAt: this.ctx.timestamps.next(this.ctx.clock.now()),
    });
    return { accountId, members: linked.map((m) => ({ ...m, roles: [...m.roles] })) };
  }

  /** `DELETE /identity/account-members/{id}`: any member, the last one included. */
  removeMember(memberId: string): void {
    for (const account of this.byId.values()) {
      const members = account.members ?? [];
      if (!members.some((m) => m.id === memberId)) continue;
      this.byId.set(account.id, {
        ...account,
        members: members.filter((m) => m.id !== memberId),
        updatedAt: this.ctx.timestamps.next(this.ctx.clock.now()),
      });
      return;
    }
    throw new AccountMemberNotFoundError(memberId);
  }

  private require(id: string): Stored {
    const account = this.byId.get(id);
    if (account === undefined) throw new AccountNotFoundError(id);
    return account;
  }

  /** Every member must be an identity of this API user (Paxos needs write access on all of them). */
  private requireIdentities(members: readonly AccountMember[], path: string): void {
    const missing: Violation[] = [];
    members.forEach((m, i) => {
      if (this.ctx.identity(m.identityId) === undefined) {
        const at = `${path}[${i}].identityId`;
        missing.push({ path: at, code: 'not_found', message: `${at}: is not an identity of this API user` });
      }
    });
    if (missing.length > 0) throw rejected(missing);
  }

  private linkOne(m: AccountMember): AccountMember {
    return Object.freeze({ id: this.ctx.ids.next(), identityId: m.identityId, roles: Object.freeze([...m.roles]) });
  }

  private link(members: readonly AccountMember[]): AccountMember[] {
    return members.map((m) => this.linkOne(m));
  }

  /** The new list, with the link ids of members that are unchanged (same identity, same roles). */
  private relink(current: readonly AccountMember[], next: readonly AccountMember[]): AccountMember[] {
    const key = (m: AccountMember) => `${m.identityId}|${[...m.roles].sort().join(',')}`;
    const free = new Map<string, AccountMember[]>();
    for (const m of current) free.set(key(m), [...(free.get(key(m)) ?? []), m]);
    return next.map((m) => {
      const same = free.get(key(m))?.shift();
      return same ?? this.linkOne(m);
    });
  }

  private view(account: Stored): Account {
    const status = this.ctx.identity(account.identityId)?.summaryStatus;
    const disabled = account.userDisabled === true || account.adminDisabled === true;
    return Object.freeze({
      ...account,
      members: Object.freeze(
        (account.members ?? []).map((m) => Object.freeze({ ...m, roles: Object.freeze([...m.roles]) })),
      ),
      ...(disabled ? { summaryStatus: 'DISABLED' } : status !== undefined && { summaryStatus: status }),
    });
  }
}

function rejected(violations: readonly Violation[]): IdentityRejectedError {
  return new IdentityRejectedError(violations.map((v) => v.message).join('; '), { violations });
}
