import {
  PaxosConnection,
  PaxosEventGateway,
  PaxosIdentityControlGateway,
  PaxosIdentityGateway,
  PaxosKycRefreshGateway,
} from '../../src/gateways.js';
import { type PaxosGatewayOptions } from '../../src/index.js';
import {
  describeIdentityControlContract,
  InMemoryEventGateway,
  InMemoryIdentityControlGateway,
  InMemoryIdentityGateway,
  InMemoryKycRefreshGateway,
  PaxosSimulator,
} from '../../src/testing.js';
import { describeWithEmulator, describeWithSandbox } from '../support/contracts.js';
import { paxosOptionsFor } from '../support/paxos.js';

/** A clock the test moves by hand, starting at the wall clock. */
function movableClock() {
  let offset = 0;
  return {
    clock: { now: () => new Date(Date.now() + offset) },
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

const fakeTime = movableClock();
describeIdentityControlContract(
  'in-memory gateways',
  () => {
    const simulator = new PaxosSimulator({ clock: fakeTime.clock });
    const controls = new InMemoryIdentityControlGateway({ simulator });
    return {
      identities: new InMemoryIdentityGateway({ simulator }),
      controls,
      kycRefresh: new InMemoryKycRefreshGateway({ simulator }),
      events: new InMemoryEventGateway({ simulator }),
      setPaxosControl: async (identityId, type, reasonCode) => {
        await controls.setByPaxos(identityId, type, reasonCode);
      },
      advanceClock: fakeTime.advance,
    };
  },
  { paxosSetControls: true, movableClock: true },
);

function paxosGateways(options: PaxosGatewayOptions) {
  const connection = new PaxosConnection(options);
  return {
    identities: new PaxosIdentityGateway(connection),
    controls: new PaxosIdentityControlGateway(connection),
    kycRefresh: new PaxosKycRefreshGateway(connection),
    events: new PaxosEventGateway(connection),
  };
}

const emulatorTime = movableClock();

describeWithEmulator(
  'Paxos control and KYC refresh gateways over HTTP against the emulator',
  (emulator) => {
    describeIdentityControlContract(
      'Paxos gateways → emulator',
      () => ({
        ...paxosGateways(paxosOptionsFor(emulator())),
        setPaxosControl: (identityId, type, reasonCode) => {
          emulator().setPaxosControl(identityId, type, reasonCode);
          return Promise.resolve();
        },
        advanceClock: emulatorTime.advance,
      }),
      { paxosSetControls: true, movableClock: true },
    );
  },
  { clock: emulatorTime.clock },
);

describeWithSandbox(
  "Paxos control and KYC refresh gateways over HTTP against Paxos's sandbox",
  'IdentityControlGateway contract: Paxos gateways → Paxos sandbox',
  (sandbox) => {
    describeIdentityControlContract('Paxos gateways → Paxos sandbox', () => paxosGateways(sandbox));
  },
);
