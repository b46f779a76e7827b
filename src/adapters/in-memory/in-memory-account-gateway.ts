import type {
  Account,
  AccountMember,
  AccountPage,
  AccountUpdate,
  ListAccountsFilter,
  NewAccount,
} from '../../domain/index.js';
import type { AccountGateway, AccountMembersAdded, CallOptions } from '../../ports/index.js';
import type { InMemorySharedState } from './in-memory-member-gateway.js';
import type { PaxosSimulator } from './simulation/paxos-simulator.js';
import { settle } from './settle.js';

/**
 * The in-memory {@link AccountGateway}: accounts of the identities held by the shared simulator, with Paxos's
 * `refId` uniqueness, member links with ids, whole-list member updates and cursor-paged listing.
 *
 * @example
 * ```ts
 * const simulator = new PaxosSimulator();
 * const identities = new InMemoryIdentityGateway({ simulator });
 * const accounts = new InMemoryAccountGateway({ simulator });
 * ```
 */
export class InMemoryAccountGateway implements AccountGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  create(account: NewAccount, options?: CallOptions): Promise<Account> {
    return this.run(options, () => this.simulator.accounts(this.clientId).create(account));
  }

  get(id: string, options?: CallOptions): Promise<Account> {
    return this.run(options, () => this.simulator.accounts(this.clientId).get(id));
  }

  listPage(filter: ListAccountsFilter, options?: CallOptions): Promise<AccountPage> {
    return this.run(options, () => this.simulator.accounts(this.clientId).listPage(filter));
  }

  update(id: string, update: AccountUpdate, options?: CallOptions): Promise<Account> {
    return this.run(options, () => this.simulator.accounts(this.clientId).update(id, update.delta));
  }

  addMembers(
    accountId: string,
    members: readonly AccountMember[],
    options?: CallOptions,
  ): Promise<AccountMembersAdded> {
    return this.run(options, () => this.simulator.accounts(this.clientId).addMembers(accountId, members));
  }

  removeMember(memberId: string, options?: CallOptions): Promise<void> {
    return this.run(options, () => {
      this.simulator.accounts(this.clientId).removeMember(memberId);
    });
  }

  private run<T>(options: CallOptions | undefined, work: () => T): Promise<T> {
    return settle(() => {
      return work();
    }, options);
  }
}
