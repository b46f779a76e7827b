import { type PaxosGatewayOptions } from '../../src/index.js';
import {
  PaxosDocumentGateway,
  PaxosEventGateway,
  PaxosIdentityGateway,
  PaxosMemberGateway,
  PaxosTransport,
  EVENT_SCOPES,
} from '../../src/gateways.js';
import {
  InMemoryDocumentGateway,
  InMemoryEventGateway,
  InMemoryIdentityGateway,
  InMemoryMemberGateway,
  PaxosSimulator,
} from '../../src/testing.js';
import { describeIdentityLifecycleContract, startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';

describeIdentityLifecycleContract('in-memory gateways', () => {
  const simulator = new PaxosSimulator();
  return {
    identities: new InMemoryIdentityGateway({ simulator }),
    members: new InMemoryMemberGateway({ simulator }),
    documents: new InMemoryDocumentGateway({ simulator }),
    events: new InMemoryEventGateway({ simulator }),
  };
});

function paxosGateways(options: PaxosGatewayOptions) {
  const transport = new PaxosTransport(options);
  return {
    identities: new PaxosIdentityGateway(options),
    members: new PaxosMemberGateway(transport),
    documents: new PaxosDocumentGateway(transport),
    events: new PaxosEventGateway(new PaxosTransport(options, {}, EVENT_SCOPES)),
  };
}

describe('Paxos gateways over HTTP against the emulator', () => {
  let emulator: PaxosEmulator;

  before(async () => {
    emulator = await startPaxosEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  describeIdentityLifecycleContract('Paxos gateways → emulator', () =>
    paxosGateways({
      environment: 'sandbox',
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    }),
  );
});

const sandboxId = process.env['PAXOS_CLIENT_ID'];
const sandboxSecret = process.env['PAXOS_CLIENT_SECRET'];
if (sandboxId === undefined || sandboxId === '' || sandboxSecret === undefined || sandboxSecret === '') {
  describe('Identity lifecycle contract: Paxos gateways → Paxos sandbox', () => {
    it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
  });
} else {
  describe("Paxos gateways over HTTP against Paxos's sandbox", function () {
    this.timeout(60_000);
    describeIdentityLifecycleContract('Paxos gateways → Paxos sandbox', () =>
      paxosGateways({ environment: 'sandbox', clientId: sandboxId, clientSecret: sandboxSecret }),
    );
  });
}
