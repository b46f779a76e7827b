import { expect } from 'chai';
import {
  createIdentityService,
  IdentityRejectedError,
  PaxosBadRequestError,
  type IdentityService,
  type Violation,
} from '../../../src/index.js';
import { aPerson, anInstitution } from '../../support/builders.js';
import { paxosOptionsFor, useEmulator } from '../../support/paxos.js';

/** A member id no identity has: a well-formed UUID, so that only the server can refuse it. */
const NOBODY = '00000000-0000-4000-8000-000000000000';

/** The violations of the server's refusal of `call`, failing when it is not an IdentityRejectedError. */
async function violationsOf(call: Promise<unknown>): Promise<readonly Violation[]> {
  const error = await call.then(
    () => expect.fail('the server accepted a request it must refuse'),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(IdentityRejectedError);
  return (error as IdentityRejectedError).violations;
}

/** Refusals only the server can make: every one passes the client-side checks. */
const REFUSALS: Record<string, (service: IdentityService) => Promise<unknown>> = {
  'an institution whose member is no identity': (service) => service.createIdentity(anInstitution([NOBODY])),
  'an institution whose second member is no identity': async (service) => {
    const member = await service.createIdentity(aPerson().build());
    return service.createIdentity(anInstitution([member.id, NOBODY]));
  },
  'an account whose member is no identity': async (service) => {
    const owner = await service.createIdentity(aPerson().build());
    return service.createAccount({
      identityId: owner.id,
      members: [{ identityId: NOBODY, roles: ['BENEFICIAL_OWNER'] }],
    });
  },
  'a page cursor the server never handed out': (service) =>
    service.listIdentitiesPage({ pageCursor: 'bm90LWEtY3Vyc29y' }),
};

describe('Paxos adapter: violations of a 400 are the fake’s violations', () => {
  const emulator = useEmulator();

  for (const [name, refuse] of Object.entries(REFUSALS)) {
    it(`${name}: the same paths, codes and messages on the fake and over HTTP`, async () => {
      const fake = await violationsOf(refuse(createIdentityService({ adapter: 'in-memory' })));
      const overHttp = createIdentityService({
        adapter: 'paxos',
        paxos: { ...paxosOptionsFor(emulator()), rateLimit: false },
      });
      const http = await violationsOf(refuse(overHttp));
      expect(fake, 'the fake names the fields').not.to.be.empty;
      expect(http).to.deep.equal(fake);
    });
  }

  it('the adapter’s error is a PaxosBadRequestError whose message names the fields and never a value', async () => {
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: { ...paxosOptionsFor(emulator()), rateLimit: false },
    });
    const error = await service.createIdentity(anInstitution([NOBODY])).then(
      () => expect.fail('created'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PaxosBadRequestError);
    const bad = error as PaxosBadRequestError;
    expect(bad.violations.map((v) => `${v.path} ${v.code}`)).to.deep.equal([
      'institutionMembers[0].identityId not_found',
    ]);
    expect(JSON.parse(JSON.stringify(bad))).to.have.deep.property(
      'violations',
      JSON.parse(JSON.stringify(bad.violations)),
    );
    expect(bad.message).not.to.include(NOBODY.slice(0, 8) + '-0000-4000');
  });
});
