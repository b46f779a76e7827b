import {
  changesOf,
  type Identity,
  type IdentityPage,
  type IdentityUpdate,
  type ListIdentitiesFilter,
  type NewIdentity,
  type SandboxStatusChange,
} from '../../domain/index.js';
import type { CallOptions, GetIdentityOptions, IdentityGateway } from '../../ports/index.js';
import { PaxosSimulator, type PaxosSimulatorOptions } from './simulation/paxos-simulator.js';
import { settle } from './settle.js';

/** Options of an {@link InMemoryIdentityGateway}. */
export interface InMemoryIdentityGatewayOptions extends PaxosSimulatorOptions {
  /** The API user the fake acts as; identities are unique per API user. Default: `'in-memory'`. */
  readonly clientId?: string;
  /** Share one simulated Paxos between several gateways (each with its own `clientId`). */
  readonly simulator?: PaxosSimulator;
}

/**
 * A faithful in-memory fake of Paxos's identity API (not a stub): UUID ids, PENDING on create with the sub-statuses
 * Paxos sets, derived US tax details, `refId` and CIP-triple uniqueness with Paxos's 409 semantics, sandbox status
 * changes, cursor-paged listing and delta updates, and an injectable clock. Use it in your own tests in place of the
 * Paxos adapter.
 *
 * @example
 * ```ts
 * const gateway = new InMemoryIdentityGateway({ clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
 * ```
 */
export class InMemoryIdentityGateway implements IdentityGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(options: InMemoryIdentityGatewayOptions = {}) {
    this.simulator = options.simulator ?? new PaxosSimulator(options);
    this.clientId = options.clientId ?? 'in-memory';
  }

  create(identity: NewIdentity, options?: CallOptions): Promise<Identity> {
    return settle(() => {
      return this.simulator.create(this.clientId, identity);
    }, options);
  }

  get(id: string, options?: GetIdentityOptions): Promise<Identity> {
    return settle(() => {
      return this.simulator.get(this.clientId, id, options);
    }, options);
  }

  setSandboxStatus(id: string, change: SandboxStatusChange, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.setSandboxStatus(this.clientId, id, change);
    }, options);
  }

  listPage(filter: ListIdentitiesFilter, options?: CallOptions): Promise<IdentityPage> {
    return settle(() => {
      return this.simulator.listPage(this.clientId, filter);
    }, options);
  }

  update(id: string, update: IdentityUpdate, options?: CallOptions): Promise<Identity> {
    return settle(() => {
      // The simulator applies the delta to what it holds now, as Paxos would to a concurrent change.
      return this.simulator.update(this.clientId, id, changesOf(update.delta));
    }, options);
  }
}
