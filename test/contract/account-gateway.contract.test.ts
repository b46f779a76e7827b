import { PaxosAccountGateway, PaxosConnection, PaxosIdentityGateway } from '../../src/gateways.js';
import { type PaxosGatewayOptions } from '../../src/index.js';
import {
  describeAccountGatewayContract,
  InMemoryAccountGateway,
  InMemoryIdentityGateway,
  PaxosSimulator,
  startPaxosEmulator,
  type PaxosEmulator,
} from '../../src/testing.js';
import { paxosOptionsFor } from '../support/paxos.js';

describeAccountGatewayContract('in-memory gateways', () => {
  const simulator = new PaxosSimulator();
  return {
    identities: new InMemoryIdentityGateway({ simulator }),
    accounts: new InMemoryAccountGateway({ simulator }),
  };
});

function paxosGateways(options: PaxosGatewayOptions) {
  const connection = new PaxosConnection(options);
  return { identities: new PaxosIdentityGateway(connection), accounts: new PaxosAccountGateway(connection) };
}

describe('Paxos account gateway over HTTP against the emulator', () => {
  let emulator: PaxosEmulator;

  before(async () => {
    emulator = await startPaxosEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  describeAccountGatewayContract('Paxos gateways → emulator', () => paxosGateways(paxosOptionsFor(emulator)));
});

const sandboxId = process.env['PAXOS_CLIENT_ID'];
const sandboxSecret = process.env['PAXOS_CLIENT_SECRET'];
if (sandboxId === undefined || sandboxId === '' || sandboxSecret === undefined || sandboxSecret === '') {
  describe('AccountGateway contract: Paxos gateways → Paxos sandbox', () => {
    it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
  });
} else {
  describe("Paxos account gateway over HTTP against Paxos's sandbox", function () {
    this.timeout(60_000);
    describeAccountGatewayContract('Paxos gateways → Paxos sandbox', () =>
      paxosGateways({ environment: 'sandbox', clientId: sandboxId, clientSecret: sandboxSecret }),
    );
  });
}
