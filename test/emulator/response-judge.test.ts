import { expect } from 'chai';
import { startPaxosEmulator } from '../../src/testing.js';
import {
  checkResponse,
  observeResponseJudgements,
  type ResponseJudgement,
} from '../../src/testing/emulator/response-judge.js';
import { responsesJudgedSoFar } from '../support/responses.hooks.js';
import { call, llcBody, seedBody, tokenFor } from './support.js';

describe("emulator: its answers judged by Paxos's response schemas (identity-api.md §4.1, §4.11)", () => {
  it('§4.1 every 200 answer of a vendored operation is judged: create, get, list, update, sandbox-status', async () => {
    const seen: ResponseJudgement[] = [];
    const stop = observeResponseJudgements((j) => seen.push(j));
    const before = responsesJudgedSoFar();
    const emulator = await startPaxosEmulator();
    try {
      const token = await tokenFor(emulator);
      const person = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
      const id = person.body.id as string;
      const llc = await call(emulator, 'POST', '/identity/identities', {
        token,
        body: llcBody([{ identity_id: id, roles: ['BENEFICIAL_OWNER'] }]),
      });
      expect(llc.status).to.equal(200);
      await call(emulator, 'GET', `/identity/identities/${id}?include_details=true`, { token });
      await call(emulator, 'GET', `/identity/identities/${llc.body.id}?include_institution_members=true`, { token });
      await call(emulator, 'GET', '/identity/identities?limit=5', { token });
      await call(emulator, 'PUT', `/identity/identities/${id}`, { token, body: { set_user_disabled: true } });
      await call(emulator, 'PUT', `/identity/identities/${id}/sandbox-status`, {
        token,
        body: { sanctions_verification_status: 'APPROVED' },
      });
      // A 404 is a Problem, not the operation's response: it is not judged by that schema.
      expect((await call(emulator, 'GET', '/identity/identities/no-such-id', { token })).status).to.equal(404);
    } finally {
      stop();
      await emulator.close();
    }
    expect(seen.map((j) => j.operationId)).to.deep.equal([
      'CreateIdentity',
      'CreateIdentity',
      'GetIdentity',
      'GetIdentity',
      'ListIdentities',
      'UpdateIdentity',
      'SandboxSetIdentityStatus',
    ]);
    expect(seen.flatMap((j) => j.issues)).to.deep.equal([]);
    expect(responsesJudgedSoFar()).to.equal(before + seen.length);
  });

  it('§4.11 an answer with a field or value the schema does not allow is refused, by path and code only', () => {
    const judgement = checkResponse('GET', '/v2/identity/identities/{id}', {
      id: 'x',
      summary_status: 'PENDING',
      status_details: { requirements: [{ type: 'ID_VERIFICATION', status: 'MAYBE', errors: [] }] },
      invented_field: '123-45-6789',
    });
    expect(judgement?.schema).to.equal('Identity');
    expect(judgement?.issues.map((i) => [i.path, i.code])).to.have.deep.members([
      ['status_details.requirements[0].status', 'enum'],
      ['invented_field', 'unknown_field'],
    ]);
    expect(JSON.stringify(judgement)).not.to.include('123-45-6789');
    expect(checkResponse('GET', '/v2/identity/identities/{id}', { id: 'x', status: 'APPROVED' })?.issues).to.deep.equal(
      [],
    );
    expect(checkResponse('GET', '/v2/not-a-paxos-route', {})).to.equal(undefined);
  });
});
