import type { PaxosEvent, EventPage } from '../../domain/index.js';
import type { CallOptions, EventGateway, EventPageRequest } from '../../ports/index.js';
import type { PaxosSimulator } from './simulation/paxos-simulator.js';
import type { InMemorySharedState } from './in-memory-member-gateway.js';
import { settle } from './settle.js';

/**
 * The in-memory {@link EventGateway}: the events the shared simulator recorded (`identity.approved`, `.denied`,
 * `.disabled` on every move into those statuses, `identity.documents_required` when documents are asked for).
 */
export class InMemoryEventGateway implements EventGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  listPage(request: EventPageRequest, options?: CallOptions): Promise<EventPage> {
    return settle(() => {
      return this.simulator.listEvents(this.clientId, request);
    }, options);
  }

  get(id: string, options?: CallOptions & { readonly isTest?: boolean }): Promise<PaxosEvent> {
    return settle(() => {
      return this.simulator.getEvent(this.clientId, id);
    }, options);
  }

  /** Sandbox control: records an event of any type, as Paxos would emit it (KYC refresh, or a type not yet known). */
  recordEvent(type: string, object: PaxosEvent['object']): Promise<PaxosEvent> {
    return settle(() => {
      return this.simulator.recordEvent(this.clientId, type, object);
    });
  }
}
