import { InMemoryIdentityGateway } from '../../src/index.js';
import { describeIdentityGatewayContract } from '../../src/testing.js';

describeIdentityGatewayContract('InMemoryIdentityGateway', () => new InMemoryIdentityGateway());

const sandboxId = process.env['PAXOS_CLIENT_ID'];
const sandboxSecret = process.env['PAXOS_CLIENT_SECRET'];
if (sandboxId === undefined || sandboxId === '' || sandboxSecret === undefined || sandboxSecret === '') {
  describe('IdentityGateway contract: PaxosIdentityGateway → Paxos sandbox', () => {
    it('skipped: no sandbox credentials (set PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET to run it)');
  });
}
