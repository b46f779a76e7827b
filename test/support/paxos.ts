/**
 * Aiming the Paxos adapter at an emulator: the options every suite on the Paxos adapter starts from, and the routes
 * the emulator's request log names.
 */
import { startPaxosEmulator, type PaxosEmulator, type PaxosEmulatorOptions } from '../../src/testing.js';

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

/**
 * One emulator for the suite this is called in: started in its `before` hook, closed in its `after` hook. Returns a
 * function that reads the emulator, because the emulator only exists once the hook has run.
 *
 * @example
 * ```ts
 * describe('over the Paxos adapter', () => {
 *   const emulator = useEmulator();
 *   it('creates', async () => {
 *     const service = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator()) });
 *   });
 * });
 * ```
 */
export function useEmulator(options?: PaxosEmulatorOptions): () => PaxosEmulator {
  let emulator: PaxosEmulator | undefined;

  before(async () => {
    emulator = await startPaxosEmulator(options);
  });

  after(async () => {
    await emulator?.close();
  });

  return () => {
    if (emulator === undefined) throw new Error('the emulator is not started yet: read it inside a case or a hook');
    return emulator;
  };
}
