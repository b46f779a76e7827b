import type {
  IdentityControl,
  IdentityControlPage,
  IdentityControlReasonCode,
  IdentityControlType,
  ListIdentityControlsFilter,
  NewIdentityControl,
} from '../../domain/index.js';
import type { CallOptions, IdentityControlGateway, KycRefreshGateway } from '../../ports/index.js';
import type { InMemorySharedState } from './in-memory-member-gateway.js';
import type { PaxosSimulator } from './simulation/paxos-simulator.js';
import { settle } from './settle.js';

/**
 * The in-memory {@link IdentityControlGateway}: controls on the identities of the shared simulator, whose summary
 * status follows them (DISABLED for SELL_ONLY, CLOSED, DORMANT; ERROR for FROZEN) and which record
 * `identity.control.created` / `.deleted`.
 */
export class InMemoryIdentityControlGateway implements IdentityControlGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  listPage(filter: ListIdentityControlsFilter, options?: CallOptions): Promise<IdentityControlPage> {
    return settle(() => {
      return this.simulator.listControls(this.clientId, filter);
    }, options);
  }

  create(control: NewIdentityControl, options?: CallOptions): Promise<IdentityControl> {
    return settle(() => {
      return this.simulator.createControl(this.clientId, { ...control, setBy: 'SET_BY_CLIENT' });
    }, options);
  }

  delete(controlId: string, _reason?: string, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.deleteControl(this.clientId, controlId);
    }, options);
  }

  /** Sandbox control: a control as Paxos sets it (`SET_BY_PAXOS`, not overridable), such as FROZEN. */
  setByPaxos(
    identityId: string,
    type: IdentityControlType,
    reasonCode: IdentityControlReasonCode,
  ): Promise<IdentityControl> {
    return settle(() =>
      this.simulator.createControl(this.clientId, { identityId, type, reasonCode, setBy: 'SET_BY_PAXOS' }),
    );
  }
}

/** The in-memory {@link KycRefreshGateway}: KYC refreshes of the shared simulator's identities, with their events. */
export class InMemoryKycRefreshGateway implements KycRefreshGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  start(identityId: string, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.startKycRefresh(this.clientId, identityId);
    }, options);
  }

  forceStart(identityId: string, expiryDays: number, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.forceStartKycRefresh(this.clientId, identityId, expiryDays);
    }, options);
  }

  reset(identityId: string, options?: CallOptions): Promise<void> {
    return settle(() => {
      this.simulator.resetKycRefresh(this.clientId, identityId);
    }, options);
  }
}
