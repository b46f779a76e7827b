import { PaxosIdentityGateway } from '../../src/gateways.js';
import { InMemoryIdentityGateway } from '../../src/testing.js';
import { describeIdentityGatewayContract, startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { paxosOptionsFor } from '../support/paxos.js';

describeIdentityGatewayContract('InMemoryIdentityGateway', () => new InMemoryIdentityGateway());

describe('PaxosIdentityGateway over HTTP against the emulator', () => {
  let emulator: PaxosEmulator;

  before(async () => {
    emulator = await startPaxosEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  describeIdentityGatewayContract(
    'PaxosIdentityGateway → emulator',
    () => new PaxosIdentityGateway(paxosOptionsFor(emulator)),
  );
});

const sandboxId = process.env['PAXOS_CLIENT_ID'];
const sandboxSecret = process.env['PAXOS_CLIENT_SECRET'];
if (sandboxId === undefined || sandboxId === '' || sandboxSecret === undefined || sandboxSecret === '') {
  describe('IdentityGateway contract: PaxosIdentityGateway → Paxos sandbox', () => {
    it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
  });
} else {
  describe("PaxosIdentityGateway over HTTP against Paxos's sandbox", function () {
    this.timeout(60_000);
    describeIdentityGatewayContract(
      'PaxosIdentityGateway → Paxos sandbox',
      () => new PaxosIdentityGateway({ environment: 'sandbox', clientId: sandboxId, clientSecret: sandboxSecret }),
    );
  });
}
