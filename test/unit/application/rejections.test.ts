import { expect } from 'chai';
import {
  createIdentityService,
  IdentityRejectedError,
  IdentityServiceError,
  IdentityValidationError,
  PaxosBadRequestError,
  type IdentityService,
} from '../../../src/index.js';
import { anInstitution } from '../../support/builders.js';
import { paxosOptionsFor, useEmulator } from '../../support/paxos.js';

/** What a host's `catch` sees when the server refuses a request the client could not check itself. */
async function refusal(service: IdentityService): Promise<unknown> {
  return service.createIdentity(anInstitution(['00000000-0000-4000-8000-000000000000'])).then(
    () => expect.fail('an institution whose member does not exist was created'),
    (error: unknown) => error,
  );
}

describe('server-side refusals are one error class on the fake and over HTTP', () => {
  const emulator = useEmulator();

  it('the in-memory fake refuses a missing member with IdentityRejectedError naming the member', async () => {
    const error = await refusal(createIdentityService({ adapter: 'in-memory' }));
    expect(error).to.be.instanceOf(IdentityRejectedError).and.not.instanceOf(IdentityValidationError);
    const rejected = error as IdentityRejectedError;
    expect([(rejected as { status?: unknown }).status, rejected.code]).to.deep.equal([400, 'identity_rejected']);
    expect(rejected.violations.map((v) => `${v.path} ${v.code}`)).to.deep.equal([
      'institutionMembers[0].identityId not_found',
    ]);
  });

  it('the Paxos adapter gets a 400 from the emulator: PaxosBadRequestError, which is an IdentityRejectedError', async () => {
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...paxosOptionsFor(emulator()),
        rateLimit: false,
      },
    });
    const error = await refusal(service);
    expect(error).to.be.instanceOf(PaxosBadRequestError);
    expect(error).to.be.instanceOf(IdentityRejectedError);
    expect(error).to.be.instanceOf(IdentityServiceError);
    expect([(error as PaxosBadRequestError).status, (error as PaxosBadRequestError).code]).to.deep.equal([
      400,
      'paxos_bad_request',
    ]);
  });
});
