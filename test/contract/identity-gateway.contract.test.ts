import { PaxosIdentityGateway } from '../../src/gateways.js';
import { InMemoryIdentityGateway } from '../../src/testing.js';
import { describeIdentityGatewayContract } from '../../src/testing.js';
import { describeWithEmulator, describeWithSandbox } from '../support/contracts.js';
import { paxosOptionsFor } from '../support/paxos.js';

describeIdentityGatewayContract('InMemoryIdentityGateway', () => new InMemoryIdentityGateway());

describeWithEmulator('PaxosIdentityGateway over HTTP against the emulator', (emulator) => {
  describeIdentityGatewayContract(
    'PaxosIdentityGateway → emulator',
    () => new PaxosIdentityGateway(paxosOptionsFor(emulator())),
  );
});

describeWithSandbox(
  "PaxosIdentityGateway over HTTP against Paxos's sandbox",
  'IdentityGateway contract: PaxosIdentityGateway → Paxos sandbox',
  (sandbox) => {
    describeIdentityGatewayContract('PaxosIdentityGateway → Paxos sandbox', () => new PaxosIdentityGateway(sandbox));
  },
);
