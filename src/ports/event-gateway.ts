import type { EventFilter, EventPage, PaxosEvent } from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/** One page request of {@link EventGateway.listPage}. */
export interface EventPageRequest extends EventFilter {
  /** The `nextPageCursor` of the previous page. */
  pageCursor?: string | undefined;
}

/** The driven port to Paxos's events (`GET /events`, `GET /events/{id}`). Unknown event types are passed through. */
export interface EventGateway {
  /** One page of events, oldest first unless `order: 'DESC'`. */
  listPage(request: EventPageRequest, options?: CallOptions): Promise<EventPage>;
  /** One event by id. EventNotFoundError when unknown. */
  get(id: string, options?: CallOptions & { readonly isTest?: boolean }): Promise<PaxosEvent>;
}
