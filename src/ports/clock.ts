/** The source of the current time, so that tests can pin it. */
export interface Clock {
  now(): Date;
}

/**
 * The wall clock: the default {@link Clock} of every adapter. It lives beside its port so that each adapter can
 * default to it without importing another adapter.
 */
export const systemClock: Clock = { now: () => new Date() };
