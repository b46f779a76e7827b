import type { SeenStore, WebhookDeliveryRecord } from '../ports/index.js';
import type { IdentityService } from './identity-service.js';
import type { WebhookDeliveryOptions, WebhookEventHandler, WebhookOutcome } from './webhooks.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** Runs once per event id, with the event fetched from Paxos. Throw to have Paxos deliver it again later. */
  readonly onEvent: WebhookEventHandler;
  /** Where deliveries are claimed and handled ids kept. Default: the service's (in memory, bounded). */
  readonly webhookDeliveryRecord?: WebhookDeliveryRecord;
  /**
   * Where handled ids are kept, with claims in this process.
   *
   * @deprecated Its check-then-add cannot be atomic across processes; pass `webhookDeliveryRecord` instead.
   */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- documented as deprecated here
  readonly seenStore?: SeenStore;
  /** How long a delivery owns its event, in milliseconds. Default 60 000; see {@link DEFAULT_WEBHOOK_LEASE_MS}. */
  readonly leaseMs?: number;
  /**
   * The largest body read, in bytes. Default 1 MiB (1,048,576). A string or byte body over it is refused before it is
   * parsed; pass the request itself (`onWebhook(req)`) and it is read only up to the cap, then destroyed. Either way
   * the call throws a `WebhookPayloadError` naming the field `body`.
   */
  readonly maxBodyBytes?: number;
}

/**
 * A function to call with each webhook body; see {@link IdentityService.handleWebhook}.
 *
 * @example
 * ```ts
 * const onWebhook = createWebhookHandler(service, { onEvent: (event) => queue.push(event), webhookDeliveryRecord: redisRecord });
 * const outcome = await onWebhook(req); // { status: 'handled', event } or { status: 'duplicate', eventId }
 * ```
 */
export function createWebhookHandler(
  service: Pick<IdentityService, 'handleWebhook'>,
  options: WebhookHandlerOptions,
): (body: unknown, callOptions?: WebhookDeliveryOptions) => Promise<WebhookOutcome> {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- still honoured, as documented
  const { onEvent, webhookDeliveryRecord, seenStore, leaseMs, maxBodyBytes } = options;
  const fixed: WebhookDeliveryOptions = {
    ...(webhookDeliveryRecord !== undefined && { webhookDeliveryRecord }),
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- passed on to the call, which adapts it
    ...(seenStore !== undefined && { seenStore }),
    ...(leaseMs !== undefined && { leaseMs }),
    ...(maxBodyBytes !== undefined && { maxBodyBytes }),
  };
  return (body, callOptions = {}) => service.handleWebhook(body, onEvent, { ...callOptions, ...fixed });
}
