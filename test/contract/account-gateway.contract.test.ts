import { PaxosAccountGateway, PaxosConnection, PaxosIdentityGateway } from '../../src/gateways.js';
import { type PaxosGatewayOptions } from '../../src/index.js';
import {
  describeAccountGatewayContract,
  InMemoryAccountGateway,
  InMemoryIdentityGateway,
  PaxosSimulator,
} from '../../src/testing.js';
import { describeWithEmulator, describeWithSandbox } from '../support/contracts.js';
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

describeWithEmulator('Paxos account gateway over HTTP against the emulator', (emulator) => {
  describeAccountGatewayContract('Paxos gateways → emulator', () => paxosGateways(paxosOptionsFor(emulator())));
});

describeWithSandbox(
  "Paxos account gateway over HTTP against Paxos's sandbox",
  'AccountGateway contract: Paxos gateways → Paxos sandbox',
  (sandbox) => {
    describeAccountGatewayContract('Paxos gateways → Paxos sandbox', () => paxosGateways(sandbox));
  },
);
