import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import sinon from 'sinon';
import {
  createIdentityService,
  IdentityNotFoundError,
  IdentityValidationError,
  NewIdentity,
  type Identity,
  type IdentityGateway,
} from '../../../src/index.js';
import { ListIdentities, UpdateIdentity } from '../../../src/container.js';
import { InMemoryIdentityGateway } from '../../../src/testing.js';
import { aPerson } from '../../support/builders.js';

chai.use(chaiAsPromised);
const { expect } = chai;

const CLOCK = { now: () => new Date('2026-03-15T12:00:00Z') };

async function collect(iterable: AsyncIterable<Identity>): Promise<string[]> {
  const ids: string[] = [];
  for await (const identity of iterable) ids.push(identity.id);
  return ids;
}

describe('listing identities', () => {
  it('follows the cursor page by page, fetching a page only when the loop needs it', async () => {
    const gateway = new InMemoryIdentityGateway({ clock: CLOCK });
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await gateway.create(NewIdentity.create(aPerson().build(), { now: CLOCK.now() }))).id);
    const listPage = sinon.spy(gateway, 'listPage');
    const iterator = new ListIdentities(gateway).all({ limit: 2, order: 'ASC' })[Symbol.asyncIterator]();
    expect(listPage.callCount).to.equal(0, 'nothing is fetched before the first next()');
    const first = await iterator.next();
    expect(first.value?.id).to.equal(created[0]);
    expect(listPage.callCount).to.equal(1);
    const rest: string[] = [];
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) rest.push(r.value.id);
    expect([first.value!.id, ...rest]).to.deep.equal(created);
    expect(listPage.callCount).to.equal(3);
    expect(listPage.getCalls().map((c) => c.args[0].pageCursor === undefined)).to.deep.equal([true, false, false]);
  });

  it('stops when a server hands back a cursor it already gave, instead of looping forever', async () => {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a stub item: the pager reads only its id
    const item = { id: 'x' } as Identity;
    const gateway = {
      listPage: sinon.stub().resolves({ items: [item], nextPageCursor: 'same' }),
    } as unknown as IdentityGateway;
    expect(await collect(new ListIdentities(gateway).all())).to.deep.equal(['x', 'x']);
    expect((gateway.listPage as sinon.SinonStub).callCount).to.equal(2);
  });

  it('rejects an invalid filter on the first iteration, and the page form at once, sending nothing', async () => {
    const gateway = { listPage: sinon.stub().rejects(new Error('unreachable')) } as unknown as IdentityGateway;
    await expect(collect(new ListIdentities(gateway).all({ limit: -1 }))).to.be.rejectedWith(IdentityValidationError);
    await expect(new ListIdentities(gateway).page({ order: 'up' as never })).to.be.rejectedWith(
      IdentityValidationError,
    );
    expect((gateway.listPage as sinon.SinonStub).callCount).to.equal(0);
  });
});

describe('updating an identity', () => {
  it('reads the identity with details and members, then sends the checked delta', async () => {
    const service = createIdentityService({ adapter: 'in-memory', clock: CLOCK });
    const created = await service.createIdentity(aPerson().build());
    const updated = await service.updateIdentity(created.id, { person: { lastName: 'Smith' } });
    expect(updated.person?.lastName).to.equal('Smith');
    expect(updated.person?.firstName).to.equal(created.person?.firstName);
    expect((await service.getIdentity(created.id)).person?.lastName).to.equal('Smith');
  });

  it('warns of a date after the service clock (Paxos documents no rule against it), and sends it', async () => {
    const warn = sinon.spy();
    const logger = { debug: sinon.spy(), info: sinon.spy(), warn, error: sinon.spy() };
    const service = createIdentityService({ adapter: 'in-memory', clock: CLOCK, logger });
    const created = await service.createIdentity(aPerson().build());
    const later = await service.updateIdentity(created.id, { lastKycRefreshDate: '2026-03-16T00:00:00Z' });
    expect(later.lastKycRefreshDate).to.equal('2026-03-16T00:00:00Z');
    expect(warn.args.map(([, fields]) => fields as unknown)).to.deep.equal([
      { operation: 'update', path: 'lastKycRefreshDate', code: 'future_date' },
    ]);
    const ok = await service.updateIdentity(created.id, { lastKycRefreshDate: '2026-03-15T11:00:00Z' });
    expect(ok.lastKycRefreshDate).to.equal('2026-03-15T11:00:00Z');
    expect(warn.callCount).to.equal(1);
  });

  it('sends nothing when the change is invalid, and checks the id before reading', async () => {
    const gateway = new InMemoryIdentityGateway({ clock: CLOCK });
    const update = sinon.spy(gateway, 'update');
    const get = sinon.spy(gateway, 'get');
    const useCase = new UpdateIdentity(gateway, CLOCK);
    await expect(useCase.execute('not an id', { setUserDisabled: true })).to.be.rejectedWith(IdentityValidationError);
    expect(get.callCount).to.equal(0);
    await expect(useCase.execute('f190b163-208f-4d73-8deb-4fb8b24add00', { setUserDisabled: true })).to.be.rejectedWith(
      IdentityNotFoundError,
    );
    expect(update.callCount).to.equal(0);
  });
});
