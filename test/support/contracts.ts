/**
 * The two places a gateway contract runs over HTTP: one emulator per suite, and Paxos's sandbox when credentials are
 * in the environment (a pending case that says how to run it otherwise).
 */
import type { PaxosEmulator, PaxosEmulatorOptions } from '../../src/testing.js';
import { useEmulator } from './paxos.js';

/** Paxos sandbox options built from `PAXOS_CLIENT_ID` and `PAXOS_CLIENT_SECRET`. */
export interface SandboxPaxosOptions {
  readonly environment: 'sandbox';
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * A suite `title` with one emulator started before its cases and closed after them. `body` registers the cases; it
 * gets the emulator through a function because the emulator only exists once the `before` hook has run.
 *
 * @example
 * ```ts
 * describeWithEmulator('over HTTP against the emulator', (emulator) => {
 *   describeIdentityGatewayContract('→ emulator', () => new PaxosIdentityGateway(paxosOptionsFor(emulator())));
 * });
 * ```
 */
export function describeWithEmulator(
  title: string,
  body: (emulator: () => PaxosEmulator) => void,
  options?: PaxosEmulatorOptions,
): void {
  describe(title, () => {
    body(useEmulator(options));
  });
}

/**
 * A suite `title` against Paxos's sandbox when `PAXOS_CLIENT_ID` and `PAXOS_CLIENT_SECRET` are set; otherwise a suite
 * `skippedTitle` with one pending case, so that the report shows what did not run and why.
 */
export function describeWithSandbox(
  title: string,
  skippedTitle: string,
  body: (options: SandboxPaxosOptions) => void,
): void {
  const clientId = process.env['PAXOS_CLIENT_ID'];
  const clientSecret = process.env['PAXOS_CLIENT_SECRET'];
  if (clientId === undefined || clientId === '' || clientSecret === undefined || clientSecret === '') {
    describe(skippedTitle, () => {
      it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
    });
    return;
  }
  describe(title, function () {
    this.timeout(60_000);
    body({ environment: 'sandbox', clientId, clientSecret });
  });
}
