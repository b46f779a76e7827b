import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { call, ManualClock, seedBody, tokenFor } from './support.js';

describe('emulator: list and update', () => {
  let emulator: PaxosEmulator;
  let token: string;
  const clock = new ManualClock('2026-01-15T10:00:00.000Z');

  before(async () => {
    emulator = await startPaxosEmulator({
      clock,
      maxPageSize: 3,
      credentials: [
        { clientId: 'one', clientSecret: 'secret-one' },
        { clientId: 'two', clientSecret: 'secret-two' },
      ],
    });
    token = await tokenFor(emulator);
  });

  after(async () => {
    await emulator.close();
  });

  const create = async (changes: Parameters<typeof seedBody>[0] = {}) => {
    clock.advance(1000);
    const response = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody(changes) });
    expect(response.status).to.equal(200);
    return response.body as { id: string; created_at: string; updated_at: string };
  };
  const list = (query: string, as = token) => call(emulator, 'GET', `/identity/identities${query}`, { token: as });
  const update = (id: string, body: unknown) => call(emulator, 'PUT', `/identity/identities/${id}`, { token, body });

  describe('GET /v2/identity/identities', () => {
    it('pages with next_page_cursor, never more than the configured maximum per page, without details', async () => {
      const first = await create();
      const ids = [first.id];
      for (let i = 0; i < 4; i++) ids.push((await create()).id);
      const seen: string[] = [];
      let query = `?limit=50&order=ASC&created_at.gte=${encodeURIComponent(first.created_at)}`;
      for (let i = 0; i < 5; i++) {
        const page = await list(query);
        expect(page.status).to.equal(200);
        expect(page.body.items.length).to.be.at.most(3);
        for (const item of page.body.items) {
          expect(item).not.to.have.any.keys('person_details', 'institution_details');
          expect(item).to.include.keys('id', 'type', 'summary_status', 'created_at', 'updated_at');
        }
        seen.push(...page.body.items.map((x: { id: string }) => x.id));
        if (page.body.next_page_cursor === undefined) break;
        query = `?limit=50&order=ASC&created_at.gte=${encodeURIComponent(first.created_at)}&page_cursor=${encodeURIComponent(page.body.next_page_cursor)}`;
      }
      expect(seen).to.deep.equal(ids);
    });

    it('shows each API user only its own identities', async () => {
      const other = await tokenFor(emulator, undefined, { clientId: 'two', clientSecret: 'secret-two' });
      const mine = await create();
      const theirs = await list(`?created_at.gte=${encodeURIComponent(mine.created_at)}`, other);
      expect(theirs.status).to.equal(200);
      expect(theirs.body.items).to.deep.equal([]);
      expect(theirs.body).not.to.have.property('next_page_cursor');
    });

    it('answers 400 naming the query parameter for a bad limit, status, date, cursor or order_by', async () => {
      const cases: [string, string][] = [
        ['?limit=abc', 'limit'],
        ['?limit=0', 'limit'],
        ['?summary_status=WAITING', 'summary_status'],
        ['?created_at.gte=yesterday', 'created_at.gte'],
        ['?page_cursor=not-a-cursor', 'page_cursor'],
        ['?order_by=NAME', 'order_by'],
        ['?order=ASC&order=DESC', 'order'],
      ];
      for (const [query, path] of cases) {
        const response = await list(query);
        expect(response.status, query).to.equal(400);
        expect(
          response.body.meta.violations.map((v: { path: string }) => v.path),
          query,
        ).to.include(path);
      }
    });

    it('refuses a cursor of one order used with the other', async () => {
      const a = await create();
      await create();
      const page = await list(`?limit=1&order=ASC&created_at.gte=${encodeURIComponent(a.created_at)}`);
      expect(page.body.next_page_cursor).to.be.a('string');
      const crossed = await list(`?limit=1&order=DESC&page_cursor=${encodeURIComponent(page.body.next_page_cursor)}`);
      expect(crossed.status).to.equal(400);
    });

    it('needs identity:read_identity', async () => {
      const writeOnly = await tokenFor(emulator, 'identity:write_identity');
      expect((await list('', writeOnly)).status).to.equal(403);
    });
  });

  describe('PUT /v2/identity/identities/{id}', () => {
    it("applies a delta and moves updated_at, accepting the id Paxos's own example repeats in the body", async () => {
      const created = await create();
      clock.advance(5000);
      const response = await update(created.id, {
        id: created.id,
        person_details: { last_name: 'Smith' },
        set_user_disabled: true,
      });
      expect(response.status).to.equal(200);
      expect(response.body.person_details).to.include({ first_name: 'John', last_name: 'Smith' });
      expect(response.body).to.include({
        summary_status: 'DISABLED',
        user_disabled: true,
        created_at: created.created_at,
      });
      expect(response.body.updated_at > created.updated_at).to.equal(true);
    });

    it('answers 400 with wire paths for unknown fields, members, the create-only flag and broken rules', async () => {
      const created = await create();
      const response = await update(created.id, {
        person_details: { last_name: '', nickname: 'JD' },
        institution_members: [],
        tax_details_not_required: true,
      });
      expect(response.status).to.equal(400);
      const paths = response.body.meta.violations.map((v: { path: string }) => v.path);
      expect(paths).to.include.members(['person_details.nickname', 'institution_members', 'tax_details_not_required']);
      const rules = await update(created.id, { person_details: { last_name: '' }, set_tax_details_not_required: true });
      expect(rules.status).to.equal(400);
      expect(rules.body.meta.violations.map((v: { path: string }) => v.path)).to.have.members([
        'person_details.last_name',
        'set_tax_details_not_required',
      ]);
    });

    it('answers 409 when the new ref_id or CIP id belongs to another identity, and 404 for an unknown id', async () => {
      const a = await create({ refId: 'taken-ref' });
      const b = await create();
      const byRef = await update(b.id, { ref_id: 'taken-ref' });
      expect(byRef.status).to.equal(409);
      expect(byRef.body.meta.existing.id).to.equal(a.id);
      const aCip = (await call(emulator, 'GET', `/identity/identities/${a.id}?include_details=true`, { token })).body
        .person_details.cip_id;
      const byCip = await update(b.id, { person_details: { cip_id: aCip } });
      expect(byCip.status).to.equal(409);
      expect(byCip.body.detail).to.equal('duplicate (cip_id, cip_id_type, cip_id_country) provided');
      expect((await update('f190b163-208f-4d73-8deb-4fb8b24add00', { is_merchant: true })).status).to.equal(404);
    });
  });
});
