import { expect } from 'chai';
import { NewIdentity, type IdentityService } from '../../src/index.js';
import { aPerson, uniqueSsn } from '../support/builders.js';
import { everyRendering, logText, rejection, startRig, type Rig } from './support.js';

// Personal data given to the library must never come back out of a warning, a log line, an error or status_details.
describe('attacks: personal data in warnings, logs, errors and status_details', () => {
  let rig: Rig;
  let service: IdentityService;

  before(async () => {
    rig = await startRig();
    service = rig.service;
  });

  after(async () => {
    await rig.emulator.close();
  });

  it('a future date of birth is warned about without the date, and the SSN is in no log line', async () => {
    const ssn = uniqueSsn();
    const dob = '2999-03-17';
    const command = aPerson().with({ cipId: ssn, dateOfBirth: dob }).build();
    const warnings = NewIdentity.create(command).warnings;
    expect(warnings.map((w) => w.code)).to.include('future_date');
    expect(everyRendering(warnings)).not.to.include(dob).and.not.include(ssn).and.not.include('2999');
    rig.lines.length = 0;
    const identity = await service.createIdentity(command);
    expect(rig.lines.some((l) => l.level === 'warn')).to.equal(true);
    const logged = logText(rig.lines);
    expect(logged)
      .not.to.include(dob)
      .and.not.include('2999')
      .and.not.include(ssn)
      .and.not.include(ssn.replace(/-/g, ''));
    expect(everyRendering(identity)).not.to.include(ssn).and.not.include(dob);
  });

  it('a malformed SSN, a wrong id type for a US resident and a bad date are refused without echoing them', async () => {
    const bare = uniqueSsn().replace(/-/g, '');
    const badSsn = rejection(service.createIdentity(aPerson().with({ cipId: bare }).build()));
    const passport = `P${uniqueSsn().replace(/-/g, '')}`;
    const usPassport = rejection(
      service.createIdentity(aPerson().with({ cipIdType: 'PASSPORT', cipId: passport, nationality: 'DEU' }).build()),
    );
    const badDob = rejection(service.createIdentity(aPerson().with({ dateOfBirth: '1980-02-30' }).build()));
    const [e1, e2, e3] = await Promise.all([badSsn, usPassport, badDob]);
    expect((e1 as Error).name).to.equal('IdentityValidationError');
    expect(everyRendering(e1)).not.to.include(bare);
    expect((e2 as Error).name).to.equal('IdentityValidationError');
    expect(everyRendering(e2)).not.to.include(passport);
    expect((e3 as Error).name).to.equal('IdentityValidationError');
    expect(everyRendering(e3)).not.to.include('1980-02-30');
    expect(logText(rig.lines)).not.to.include(bare).and.not.include(passport).and.not.include('1980-02-30');
  });

  it('a metadata value that is personal data and too long is warned about by key, never by value', async () => {
    const ssn = uniqueSsn();
    const value = `${ssn} `.repeat(20);
    rig.lines.length = 0;
    await service.createIdentity(
      aPerson()
        .withCommand({ metadata: { note: value } })
        .build(),
    );
    expect(rig.lines.filter((l) => l.level === 'warn').length).to.be.greaterThan(0);
    expect(logText(rig.lines)).not.to.include(ssn);
  });

  it('a DENIED passthrough identity: status_details and the identity.denied event hold no personal data', async () => {
    const ssn = uniqueSsn();
    const identity = await service.createIdentity(
      aPerson().with({ cipId: ssn, passthroughVerificationStatus: 'DENIED' }).build(),
    );
    const read = await service.getIdentity(identity.id);
    expect(read.summaryStatus).to.equal('DENIED');
    const rendered = everyRendering(read.statusDetails) + everyRendering(read);
    expect(rendered).not.to.include(ssn).and.not.include('1980-01-01');
    const events = [];
    for await (const event of service.listEvents({ type: 'identity.denied' })) events.push(event);
    expect(events.some((e) => e.object.identityId === identity.id)).to.equal(true);
    expect(everyRendering(events)).not.to.include(ssn).and.not.include('1980-01-01');
  });

  it('a 400 from the emulator for a bad cip_id names the field, not the value', async () => {
    const value = `${uniqueSsn()}\u0001`;
    const error = await rejection(
      service.updateIdentity((await service.createIdentity(aPerson().build())).id, {
        person: { cipId: value },
      }),
    );
    expect(everyRendering(error)).not.to.include(value.slice(0, 11));
    expect(logText(rig.lines)).not.to.include(value.slice(0, 11));
  });
});
