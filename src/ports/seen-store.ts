/**
 * Remembers which webhook event ids were handled, so a redelivery (Paxos may deliver an event more than once) is
 * skipped. Back it with Redis or a database table to dedupe across processes; the default is in memory and bounded.
 */
export interface SeenStore {
  /** Whether `id` was marked as handled. */
  has(id: string): boolean | Promise<boolean>;
  /** Marks `id` as handled. */
  add(id: string): void | Promise<void>;
}
