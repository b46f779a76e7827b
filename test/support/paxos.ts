/**
 * Aiming the Paxos adapter at an emulator: the options every suite on the Paxos adapter starts from, and the routes
 * the emulator's request log names.
 */
import type { PaxosEmulator } from '../../src/testing.js';

/**
 * The sandbox options that reach one emulator: its URLs and the credentials it accepts. Plain data, so that a test can
 * hand them to a child process as JSON (the emulator itself serializes with its secret redacted).
 */
export interface EmulatorPaxosOptions {
  readonly environment: 'sandbox';
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * `paxos` options for `createIdentityService` that talk to `emulator`; spread them to add a deadline, a logger or
 * rate limits of the test's own.
 *
 * @example
 * ```ts
 * createIdentityService({ adapter: 'paxos', paxos: { ...paxosOptionsFor(emulator), timeoutMs: 2_000 } });
 * ```
 */
export function paxosOptionsFor(emulator: PaxosEmulator): EmulatorPaxosOptions {
  return {
    environment: 'sandbox',
    baseUrl: emulator.baseUrl,
    tokenUrl: emulator.tokenUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  };
}

/** The route the emulator logs an identity create (`POST`) and a listing (`GET`) under. */
export const IDENTITIES_ROUTE = '/v2/identity/identities';
