/**
 * The rules option of `createIdentityService` and where warnings go, through the service a user builds: the
 * in-memory fake, and the Paxos adapter against the emulator (whose root hook judges every body the library sends).
 */
import { expect } from 'chai';
import {
  createIdentityService,
  IdentityServiceConfigError,
  IdentityValidationError,
  type LogFields,
  type Logger,
} from '../../src/index.js';
import { aPerson, PERSON_CDD, seedCommand } from '../support/builders.js';
import { paxosOptionsFor, useEmulator } from '../support/paxos.js';

/** A logger that keeps its `warn` lines. */
function recordingLogger(): Logger & { readonly warnings: { message: string; fields: LogFields | undefined }[] } {
  const warnings: { message: string; fields: LogFields | undefined }[] = [];
  const ignore = () => undefined;
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message, fields) => warnings.push({ message, fields }),
  };
}

async function refusal(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(IdentityValidationError);
    return (error as IdentityValidationError).violations.map((v) => `${v.path} ${v.code}`);
  }
  return expect.fail('expected a refusal');
}

describe('createIdentityService rules and warnings', () => {
  it('§10 by default the seed request is created as it is, with no warning', async () => {
    const logger = recordingLogger();
    const service = createIdentityService({ adapter: 'in-memory', logger });
    const identity = await service.createIdentity({ ...seedCommand(), refId: undefined });
    expect(identity.summaryStatus).to.equal('PENDING');
    expect(logger.warnings).to.deep.equal([]);
  });

  it('§6.2, §6.3 with rules { customerDueDiligence: "required", passthrough: "strict" } the seed request is refused', async () => {
    const service = createIdentityService({
      adapter: 'in-memory',
      rules: { customerDueDiligence: 'required', passthrough: 'strict' },
    });
    expect(await refusal(service.createIdentity(aPerson().build()))).to.have.members([
      'customerDueDiligence.estimatedYearlyIncome required',
      'customerDueDiligence.expectedTransferValue required',
      'customerDueDiligence.sourceOfWealth required',
      'customerDueDiligence.employmentStatus required',
      'customerDueDiligence.employmentIndustrySector required',
      'person.passthroughVerificationId required',
      'person.passthroughVerificationStatus required',
      'person.passthroughVerificationFields required',
    ]);
  });

  it('§6.2, §4.5 under a profile, an update is judged on the identity as it will be', async () => {
    const strict = createIdentityService({ adapter: 'in-memory', rules: { customerDueDiligence: 'required' } });
    // Hong Kong has no postal codes: the address needs none.
    const hongKong = { country: 'HKG', address1: '1 Queens Road', city: 'Hong Kong', province: 'HK' };
    const created = await strict.createIdentity(
      aPerson()
        .foreign()
        .withoutTaxDetails()
        .with({ address: hongKong })
        .withCommand({ customerDueDiligence: PERSON_CDD })
        .build(),
    );
    const renamed = await strict.updateIdentity(created.id, { person: { lastName: 'Smith' } });
    expect(renamed.person?.lastName).to.equal('Smith');
    expect(
      await refusal(strict.updateIdentity(created.id, { person: { address: { country: 'GBR', city: 'London' } } })),
    ).to.deep.equal(['person.address.zipCode required']);
  });

  it('rejects an unknown rule choice when the service is built', () => {
    expect(() => createIdentityService({ adapter: 'in-memory', rules: { passthrough: 'lenient' as never } })).to.throw(
      IdentityServiceConfigError,
      /rules\.passthrough/,
    );
  });

  it('§4.4 writes each warning to the logger at warn, with path and code and never the value', async () => {
    const logger = recordingLogger();
    const service = createIdentityService({ adapter: 'in-memory', logger });
    const phone = '+49 '.padEnd(80, '5');
    const identity = await service.createIdentity(
      aPerson().with({ phoneNumber: phone, passthroughVerifierType: 'ACME_ID' }).build(),
    );
    expect(identity.person?.passthroughVerifierType).to.equal('ACME_ID');
    expect(logger.warnings.map((w) => w.fields)).to.have.deep.members([
      { operation: 'create', path: 'person.phoneNumber', code: 'max_length' },
      { operation: 'create', path: 'person.passthroughVerifierType', code: 'enum' },
    ]);
    for (const { message } of logger.warnings) {
      expect(message).to.match(/^paxos-identity: create: person\./);
      expect(message).not.to.include(phone);
      expect(message).not.to.include('ACME_ID');
    }
    await service.updateIdentity(identity.id, {});
    expect(logger.warnings.at(-1)?.fields).to.deep.equal({ operation: 'update', path: '', code: 'no_change' });
  });

  describe('through the Paxos adapter', () => {
    const emulator = useEmulator();

    it('§4.4 sends what only warns (Paxos accepts it), and writes the warning to paxos.logger', async () => {
      const logger = recordingLogger();
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: {
          ...paxosOptionsFor(emulator()),
          logger,
        },
      });
      const identity = await service.createIdentity(
        aPerson()
          .with({ profession: 'p'.repeat(300) })
          .build(),
      );
      expect(identity.person?.profession).to.have.length(300);
      expect(
        logger.warnings.filter((w) => w.message.startsWith('paxos-identity: create:')).map((w) => w.fields),
      ).to.deep.equal([{ operation: 'create', path: 'person.profession', code: 'max_length' }]);
    });
  });
});
