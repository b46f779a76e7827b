import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaxosSimulator } from '../../src/adapters/in-memory/simulation/paxos-simulator.js';
import { systemClock } from '../../src/ports/index.js';
import { EmulatorConsole } from '../../src/testing/emulator/console/handler.js';
import { FaultInjector } from '../../src/testing/emulator/faults.js';
import { Approvals } from '../../src/testing/emulator/identity-routes.js';
import { WebhookDispatcher } from '../../src/testing/emulator/webhook-delivery.js';

/**
 * The console alone on its own loopback server, over a simulator the case fills directly: for what an emulator does
 * not show from outside (how many live feeds are open) and for volumes the API would take too long to create.
 */
export interface ConsoleHarness {
  readonly console: EmulatorConsole;
  readonly simulator: PaxosSimulator;
  readonly clientId: string;
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** Starts a console on 127.0.0.1, port 0, for one client. */
export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const clientId = 'harness-client';
  const simulator = new PaxosSimulator({ clock: systemClock });
  const webhooks = new WebhookDispatcher({}, [clientId]);
  let port = 0;
  const console = new EmulatorConsole({
    simulator,
    approvals: new Approvals('manual', simulator, systemClock),
    clients: [clientId],
    faults: new FaultInjector(),
    webhooks,
    requests: () => [],
    hosts: () => [`127.0.0.1:${port}`],
  });
  const server: Server = createServer((req, res) => void console.serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    console,
    simulator,
    clientId,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      console.close();
      await webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

/** Adds `count` bare people (no details: the list shows none) with ref ids `ref-0` … straight to the simulator. */
export function fillPeople(harness: ConsoleHarness, count: number): void {
  for (let i = 0; i < count; i++)
    harness.simulator.create(harness.clientId, {
      type: 'PERSON',
      refId: `ref-${i}`,
      taxDetails: [],
      taxDetailsNotRequired: true,
    });
}
