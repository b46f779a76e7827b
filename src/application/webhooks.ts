import { parseWebhookNotification, type PaxosEvent, type WebhookNotification } from '../domain/index.js';
import type { CallOptions, EventGateway, SeenStore } from '../ports/index.js';

/** Receives each event once: the full event as `GET /events/{id}` returned it, and the notification that announced it. */
export type WebhookEventHandler = (event: PaxosEvent, notification: WebhookNotification) => void | Promise<void>;

/** What became of one webhook delivery. */
export type WebhookOutcome =
  | { readonly status: 'handled'; readonly event: PaxosEvent }
  /** Already handled (or being handled right now): Paxos redelivers, answer 2xx and do nothing. */
  | { readonly status: 'duplicate'; readonly eventId: string };

/** Options of one webhook delivery. */
export interface WebhookDeliveryOptions extends CallOptions {
  /** Overrides the service's seen-store for this call. */
  readonly seenStore?: SeenStore;
}

/**
 * Handles webhook deliveries: checks the body, skips ids already handled, fetches the event by id (webhooks are
 * unsigned, so nothing but the id is taken from the body), runs the handler and only then marks the id as seen, so that
 * a failed handler is retried by Paxos's redelivery.
 */
export class WebhookDeliveries {
  /** Ids being handled in this process now: a redelivery that arrives meanwhile is a duplicate. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly events: EventGateway,
    private readonly seenStore: SeenStore,
  ) {}

  async handle(
    body: unknown,
    handler: WebhookEventHandler,
    options: WebhookDeliveryOptions = {},
  ): Promise<WebhookOutcome> {
    const notification = parseWebhookNotification(body instanceof Uint8Array ? new TextDecoder().decode(body) : body);
    const seen = options.seenStore ?? this.seenStore;
    const id = notification.id;
    if (this.inFlight.has(id) || (await seen.has(id))) return { status: 'duplicate', eventId: id };
    this.inFlight.add(id);
    try {
      const event = await this.events.get(id, {
        isTest: notification.isTest,
        ...(options.signal !== undefined && { signal: options.signal }),
      });
      await handler(event, notification);
      await seen.add(id);
      return { status: 'handled', event };
    } finally {
      this.inFlight.delete(id);
    }
  }
}
