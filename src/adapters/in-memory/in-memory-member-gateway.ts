import type { InstitutionMember, InstitutionMembersAdded } from '../../domain/index.js';
import type { CallOptions, InstitutionMemberGateway } from '../../ports/index.js';
import type { PaxosSimulator } from './simulation/paxos-simulator.js';
import { settle } from './settle.js';

/** Where an in-memory gateway keeps its state: a simulated Paxos shared with the other in-memory gateways. */
export interface InMemorySharedState {
  readonly simulator: PaxosSimulator;
  /** The API user the fake acts as. Default: `'in-memory'`, as {@link InMemoryIdentityGateway}. */
  readonly clientId?: string;
}

/**
 * The in-memory {@link InstitutionMemberGateway}: members of the institutions held by the shared simulator, whose
 * summary status follows its members' as in Paxos.
 *
 * @example
 * ```ts
 * const simulator = new PaxosSimulator();
 * const identities = new InMemoryIdentityGateway({ simulator });
 * const members = new InMemoryMemberGateway({ simulator });
 * ```
 */
export class InMemoryMemberGateway implements InstitutionMemberGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  addMembers(
    institutionId: string,
    members: readonly InstitutionMember[],
    options?: CallOptions,
  ): Promise<InstitutionMembersAdded> {
    return settle(() => {
      return this.simulator.addInstitutionMembers(this.clientId, institutionId, members);
    }, options);
  }

  removeMember(memberId: string, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.removeInstitutionMember(this.clientId, memberId);
    }, options);
  }
}
