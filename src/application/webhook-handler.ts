import type { SeenStore } from '../ports/index.js';
import type { IdentityService } from './identity-service.js';
import type { WebhookDeliveryOptions, WebhookEventHandler, WebhookOutcome } from './webhooks.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** Runs once per event id, with the event fetched from Paxos. Throw to have Paxos deliver it again later. */
  readonly onEvent: WebhookEventHandler;
  /** Where handled ids are kept. Default: the service's (in memory, bounded). */
  readonly seenStore?: SeenStore;
}

/**
 * A function to call with each webhook body; see {@link IdentityService.handleWebhook}.
 *
 * @example
 * ```ts
 * const onWebhook = createWebhookHandler(service, { onEvent: (event) => queue.push(event), seenStore: redisSeenStore });
 * const outcome = await onWebhook(rawBody); // { status: 'handled', event } or { status: 'duplicate', eventId }
 * ```
 */
export function createWebhookHandler(
  service: Pick<IdentityService, 'handleWebhook'>,
  options: WebhookHandlerOptions,
): (body: unknown, callOptions?: WebhookDeliveryOptions) => Promise<WebhookOutcome> {
  return (body, callOptions = {}) =>
    service.handleWebhook(
      body,
      options.onEvent,
      options.seenStore === undefined ? callOptions : { ...callOptions, seenStore: options.seenStore },
    );
}
