/** The source of the current time, so that tests can pin it. */
export interface Clock {
  now(): Date;
}
