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
  startPaxosEmulator,
  type PaxosEmulator,
} from '../../src/testing.js';
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

describe('Paxos control and KYC refresh gateways over HTTP against the emulator', () => {
  let emulator: PaxosEmulator;
  const emulatorTime = movableClock();

  before(async () => {
    emulator = await startPaxosEmulator({ clock: emulatorTime.clock });
  });

  after(async () => {
    await emulator.close();
  });

  describeIdentityControlContract(
    'Paxos gateways → emulator',
    () => ({
      ...paxosGateways(paxosOptionsFor(emulator)),
      setPaxosControl: (identityId, type, reasonCode) => {
        emulator.setPaxosControl(identityId, type, reasonCode);
        return Promise.resolve();
      },
      advanceClock: emulatorTime.advance,
    }),
    { paxosSetControls: true, movableClock: true },
  );
});

const sandboxId = process.env['PAXOS_CLIENT_ID'];
const sandboxSecret = process.env['PAXOS_CLIENT_SECRET'];
if (sandboxId === undefined || sandboxId === '' || sandboxSecret === undefined || sandboxSecret === '') {
  describe('IdentityControlGateway contract: Paxos gateways → Paxos sandbox', () => {
    it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
  });
} else {
  describe("Paxos control and KYC refresh gateways over HTTP against Paxos's sandbox", function () {
    this.timeout(60_000);
    describeIdentityControlContract('Paxos gateways → Paxos sandbox', () =>
      paxosGateways({ environment: 'sandbox', clientId: sandboxId, clientSecret: sandboxSecret }),
    );
  });
}
