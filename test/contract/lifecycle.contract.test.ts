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
import { describeIdentityLifecycleContract } from '../../src/testing.js';
import { describeWithEmulator, describeWithSandbox } from '../support/contracts.js';
import { paxosOptionsFor } from '../support/paxos.js';

const simulator = new PaxosSimulator();
const inMemoryDocuments = new InMemoryDocumentGateway({ simulator });
describeIdentityLifecycleContract(
  'in-memory gateways',
  () => ({
    identities: new InMemoryIdentityGateway({ simulator }),
    members: new InMemoryMemberGateway({ simulator }),
    documents: inMemoryDocuments,
    events: new InMemoryEventGateway({ simulator }),
  }),
  {
    enhancedDueDiligence: {
      requireDocuments: (identityId, types) => inMemoryDocuments.requireDocuments(identityId, types),
      upload: (url, bytes, contentType) => inMemoryDocuments.upload(url, bytes, contentType),
    },
  },
);

function paxosGateways(options: PaxosGatewayOptions) {
  const transport = new PaxosTransport(options);
  return {
    identities: new PaxosIdentityGateway(options),
    members: new PaxosMemberGateway(transport),
    documents: new PaxosDocumentGateway(transport),
    events: new PaxosEventGateway(new PaxosTransport(options, {}, EVENT_SCOPES)),
  };
}

describeWithEmulator('Paxos gateways over HTTP against the emulator', (emulator) => {
  describeIdentityLifecycleContract('Paxos gateways → emulator', () => paxosGateways(paxosOptionsFor(emulator())), {
    enhancedDueDiligence: {
      requireDocuments: (identityId, types) => emulator().requireDocuments(identityId, types),
      upload: async (url, bytes, contentType) => {
        const answer = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-type': contentType } });
        if (!answer.ok) throw new Error(`the upload URL answered ${answer.status}`);
      },
    },
  });
});

describeWithSandbox(
  "Paxos gateways over HTTP against Paxos's sandbox",
  'Identity lifecycle contract: Paxos gateways → Paxos sandbox',
  (sandbox) => {
    describeIdentityLifecycleContract('Paxos gateways → Paxos sandbox', () => paxosGateways(sandbox));
  },
);
