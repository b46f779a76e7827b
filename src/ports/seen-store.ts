/**
 * Remembers which webhook event ids were handled, so a redelivery (Paxos may deliver an event more than once) is
 * skipped. The library adapts it into a {@link WebhookDeliveryRecord}: claims stay in this process and `has`/`add`
 * record the done ids.
 *
 * @deprecated Check-then-add cannot be atomic across processes: two replicas that receive one event at once both
 * find it missing and both run the handler. Implement a {@link WebhookDeliveryRecord} (an atomic claim, such as
 * Redis's `SET … NX PX lease`) over your shared store instead.
 */
export interface SeenStore {
  /** Whether `id` was marked as handled. */
  has(id: string): boolean | Promise<boolean>;
  /** Marks `id` as handled. */
  add(id: string): void | Promise<void>;
}
