/** The answer of {@link WebhookDeliveryRecord.claim}. */
export type WebhookDeliveryClaim =
  | {
      /** This caller owns the delivery until it calls `complete` or `release`, or the lease runs out. */
      readonly status: 'claimed';
      /** Records the event as handled, for as long as the record keeps done ids (at least Paxos's 24 h of redelivery). */
      complete(): Promise<void>;
      /** Gives the claim up (the handler failed), so that Paxos's redelivery is handled again. */
      release(): Promise<void>;
    }
  | {
      /** `in_progress`: another caller holds an unexpired claim. `done`: the event was handled already. */
      readonly status: 'in_progress' | 'done';
    };

/**
 * Which webhook deliveries were handled, claimed atomically: `claim` either hands the event to exactly one caller or
 * says why not, so that no check-then-add race exists between two deliveries of one event, in one process or
 * across a fleet (a Redis implementation uses `SET … NX PX lease`). The default is in memory and bounded.
 */
export interface WebhookDeliveryRecord {
  /**
   * Claims `eventId` for `leaseMs` milliseconds. A claim that is neither completed nor released within the lease
   * (its process crashed) lapses, and the next delivery may claim the event again.
   */
  claim(eventId: string, leaseMs: number): Promise<WebhookDeliveryClaim>;
}
