import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { IdentityValidationError, PaxosResponseError } from '../../../src/index.js';
import { IdentityUpdate } from '../../../src/gateways.js';
import {
  CANARY_SSN,
  CapturingLogger,
  expectNoSecretsIn,
  expectNoSecretsInLogs,
  gatewayFor,
  json,
  problem,
  ScriptedPaxos,
  serviceFor,
  wireIdentity,
} from './support.js';

chai.use(chaiAsPromised);
const { expect } = chai;

const LIST = 'GET /v2/identity/identities';
const UPDATE = 'PUT /v2/identity/identities/{id}';

describe('PaxosIdentityGateway: list and update over HTTP', () => {
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
  });

  afterEach(async () => {
    await paxos.close();
    expectNoSecretsInLogs(logger);
  });

  describe('listPage', () => {
    it('sends the filter as Paxos query parameters: created_at.gte style ranges, page_cursor, DESC by default', async () => {
      paxos.otherwise(LIST, (_request, res) => {
        json(res, 200, { items: [] });
      });
      const gateway = gatewayFor(paxos, logger);
      await gateway.listPage({
        limit: 25,
        summaryStatus: 'PENDING',
        identityType: 'PERSON',
        createdAt: { gte: '2026-01-01T00:00:00Z', lt: '2026-02-01T00:00:00Z' },
        updatedAt: { eq: '2026-01-15T10:00:00.5Z' },
        pageCursor: 'abc+/=',
      });
      await gateway.listPage({ order: 'ASC' });
      const [full, plain] = paxos.to(LIST);
      expect(Object.fromEntries(full!.query)).to.deep.equal({
        limit: '25',
        summary_status: 'PENDING',
        identity_type: 'PERSON',
        'created_at.gte': '2026-01-01T00:00:00Z',
        'created_at.lt': '2026-02-01T00:00:00Z',
        'updated_at.eq': '2026-01-15T10:00:00.5Z',
        order: 'DESC',
        page_cursor: 'abc+/=',
      });
      expect(Object.fromEntries(plain!.query)).to.deep.equal({ order: 'ASC' });
    });

    it('maps the items with the identity decoder and reads next_page_cursor; an empty cursor ends the list', async () => {
      const item = {
        id: 'i-1',
        type: 'PERSON',
        summary_status: 'APPROVED',
        created_at: '2022-02-15T05:46:50.957068Z',
        updated_at: '2022-02-15T05:46:50.957068Z',
      };
      // Paxos's own list example shows items with only an id and a status.
      paxos.script(LIST, (_r, res) => {
        json(res, 200, {
          items: [item, { id: 'i-2', summary_status: 'PENDING', extra: 1 }],
          next_page_cursor: 'next-1',
        });
      });
      paxos.script(LIST, (_r, res) => {
        json(res, 200, { items: [{ id: 'i-3' }] });
      });
      paxos.script(LIST, (_r, res) => {
        json(res, 200, { items: [], next_page_cursor: '' });
      });
      const gateway = gatewayFor(paxos, logger);
      const first = await gateway.listPage({});
      expect(first.items.map((i) => [i.id, i.summaryStatus])).to.deep.equal([
        ['i-1', 'APPROVED'],
        ['i-2', 'PENDING'],
      ]);
      expect(first.items[0]!.person).to.equal(undefined);
      expect(first.items.map((i) => i.type)).to.deep.equal(['PERSON', ''], 'a type Paxos leaves out stays unknown');
      const typed = await gateway.listPage({ identityType: 'PERSON' });
      expect(typed.items.map((i) => i.type)).to.deep.equal(['PERSON'], 'the type filter tells the type of every item');
      expect(first.nextPageCursor).to.equal('next-1');
      const last = await gateway.listPage({ pageCursor: 'next-1' });
      expect(last.items).to.deep.equal([]);
      expect(last.nextPageCursor).to.equal(undefined);
    });

    it('refuses a body that is not a page of identities with PaxosResponseError naming the field', async () => {
      paxos.otherwise(LIST, (_r, res) => {
        json(res, 200, { items: [{ summary_status: 'PENDING' }] });
      });
      const error: unknown = await gatewayFor(paxos, logger)
        .listPage({})
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(PaxosResponseError);
      expect((error as Error).message).to.include('page of identities');
    });

    it('lets the service follow next_page_cursor until the last page', async () => {
      paxos.script(LIST, (_r, res) => {
        json(res, 200, { items: [wireIdentity('a'), wireIdentity('b')], next_page_cursor: 'c1' });
      });
      paxos.script(LIST, (_r, res) => {
        json(res, 200, { items: [wireIdentity('c')], next_page_cursor: 'c2' });
      });
      paxos.script(LIST, (_r, res) => {
        json(res, 200, { items: [wireIdentity('d')] });
      });
      const ids: string[] = [];
      for await (const identity of serviceFor(paxos, logger).listIdentities({ limit: 2, identityType: 'PERSON' }))
        ids.push(identity.id);
      expect(ids).to.deep.equal(['a', 'b', 'c', 'd']);
      expect(paxos.to(LIST).map((r) => r.query.get('page_cursor'))).to.deep.equal([null, 'c1', 'c2']);
      expect(
        paxos.to(LIST).every((r) => r.query.get('limit') === '2' && r.query.get('identity_type') === 'PERSON'),
      ).to.equal(true);
    });

    it('checks the filter before sending anything', async () => {
      const service = serviceFor(paxos, logger);
      await expect(service.listIdentitiesPage({ limit: 0 })).to.be.rejectedWith(IdentityValidationError);
      await expect(service.listIdentitiesPage({ createdAt: { gte: 'yesterday' } })).to.be.rejectedWith(
        IdentityValidationError,
      );
      expect(paxos.apiRequests).to.deep.equal([]);
    });
  });

  describe('update', () => {
    it('reads the identity, then PUTs only the delta in snake_case', async () => {
      paxos.store(wireIdentity('u-1'));
      paxos.otherwise(UPDATE, (_r, res) => {
        json(res, 200, wireIdentity('u-1', { metadata: { stage: 'two' } }));
      });
      const updated = await serviceFor(paxos, logger).updateIdentity('u-1', {
        person: { lastName: 'Smith', address: { address2: '' } },
        metadata: { stage: 'two' },
        setTaxDetailsNotRequired: false,
        setUserDisabled: true,
        lastKycRefreshDate: '2025-01-02T03:04:05Z',
        isMerchant: true,
      });
      expect(updated.metadata).to.deep.equal({ stage: 'two' });
      const [get] = paxos.to('GET /v2/identity/identities/{id}');
      expect(get!.query.get('include_details')).to.equal('true');
      const [put] = paxos.to(UPDATE);
      expect(put!.path).to.equal('/v2/identity/identities/u-1');
      expect(JSON.parse(put!.body)).to.deep.equal({
        person_details: {
          last_name: 'Smith',
          // A touched address goes whole, as it will be, so that it meets the address schema.
          address: {
            country: 'USA',
            address1: '1 Example St',
            address2: '',
            city: 'New York',
            province: 'NY',
            zip_code: '10001',
          },
        },
        metadata: { stage: 'two' },
        set_tax_details_not_required: false,
        set_user_disabled: true,
        is_merchant: true,
        last_kyc_refresh_date: '2025-01-02T03:04:05Z',
      });
    });

    it('sends tax details as the whole new list, and a changed CIP id revealed only in the body', async () => {
      paxos.store(wireIdentity('u-2'));
      paxos.otherwise(UPDATE, (_r, res) => {
        json(res, 200, wireIdentity('u-2'));
      });
      await serviceFor(paxos, logger).updateIdentity('u-2', {
        person: { cipId: CANARY_SSN },
        taxDetails: [{ taxPayerId: 'DE123', taxPayerCountry: 'DEU' }],
      });
      expect(JSON.parse(paxos.to(UPDATE)[0]!.body)).to.deep.equal({
        person_details: { cip_id: CANARY_SSN },
        tax_details: [{ tax_payer_id: 'DE123', tax_payer_country: 'DEU' }],
      });
    });

    it('sends nothing when the identity after the change would break a rule', async () => {
      paxos.store(wireIdentity('u-3'));
      const service = serviceFor(paxos, logger);
      const error: unknown = await service
        .updateIdentity('u-3', { person: { cipIdType: 'PASSPORT', lastName: '' } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(IdentityValidationError);
      expect((error as IdentityValidationError).violations.map((v) => `${v.path}:${v.code}`)).to.have.members([
        'person.cipIdType:forbidden',
        'person.lastName:required',
      ]);
      await expect(service.updateIdentity('u-3', { institution: { name: 'X' } })).to.be.rejectedWith(
        IdentityValidationError,
      );
      expect(paxos.to(UPDATE)).to.deep.equal([]);
    });

    it('maps a 400 of Paxos to its error without the body, and a 404 to IdentityNotFoundError', async () => {
      paxos.store(wireIdentity('u-4'));
      const gateway = gatewayFor(paxos, logger);
      const update = IdentityUpdate.plan(await gateway.get('u-4'), { person: { cipId: CANARY_SSN } });
      paxos.script(UPDATE, problem(400, `cip_id ${CANARY_SSN} is invalid`), problem(404, 'identity not found'));
      const bad: unknown = await gateway.update('u-4', update).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((bad as { status?: unknown }).status).to.equal(400);
      expectNoSecretsIn(bad);
      await expect(gateway.update('u-4', update)).to.be.rejectedWith('Identity not found: u-4');
    });
  });
});
