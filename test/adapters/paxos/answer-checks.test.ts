import { expect } from 'chai';
import { inspect } from 'node:util';
import {
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  NewIdentity,
  PaxosConflictError,
  PaxosResponseError,
  PaxosTimeoutError,
} from '../../../src/index.js';
import { NewAccount, PaxosAccountGateway, PaxosConnection, PaxosIdentityGateway } from '../../../src/gateways.js';
import { aPerson } from '../../support/builders.js';
import {
  CANARY_SSN,
  identityFromCreate,
  json,
  problem,
  rejectionOf,
  serviceFor,
  useScriptedPaxos,
  wireIdentity,
  type Script,
} from './support.js';

const CREATE = 'POST /v2/identity/identities';
const GET = 'GET /v2/identity/identities/{id}';
const ACCOUNTS = 'POST /v2/identity/accounts';
const NOW = new Date('2026-03-15T12:00:00Z');
const OTHER_SSN = '123-45-6780';

function draft(refId: string): NewIdentity {
  return NewIdentity.create(aPerson().with({ cipId: CANARY_SSN }).withCommand({ refId }).build(), { now: NOW });
}

/** Answers a create with the identity it describes, changed by `changes` (a proxy mixing up answers). */
function answerWith(changes: (identity: Record<string, unknown>) => Record<string, unknown>): Script {
  return (request, res) => {
    json(res, 200, changes(identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'other-1')));
  };
}

const alreadyExists = (id: string) =>
  problem(409, 'duplicate ref_id provided', { type: 'already-exists', meta: { existing: { id } } });

describe('answers checked against the question', () => {
  const bench = useScriptedPaxos();
  const { options } = bench;

  describe('a create', () => {
    const wrong: readonly [string, (identity: Record<string, unknown>) => Record<string, unknown>, string][] = [
      ['another ref_id', (i) => ({ ...i, ref_id: 'ref-somebody-else' }), 'ref_id'],
      [
        'another SSN',
        (i) => ({ ...i, person_details: { ...(i['person_details'] as object), cip_id: OTHER_SSN } }),
        'cip_id',
      ],
      [
        'another name',
        (i) => ({ ...i, person_details: { ...(i['person_details'] as object), last_name: 'Somebody' } }),
        'person_details.last_name',
      ],
    ];
    for (const [what, change, field] of wrong) {
      it(`a 200 carrying ${what} is not taken: PaxosResponseError naming ${field}, no value quoted`, async () => {
        bench.paxos.otherwise(CREATE, answerWith(change));
        const error = await rejectionOf(new PaxosIdentityGateway(options()).create(draft('ref-mine')));

        expect(error).to.be.instanceOf(PaxosResponseError);
        expect((error as PaxosResponseError).issues).to.include(`${field}: not the one sent`);
        const shown = `${inspect(error, { depth: Infinity })}${JSON.stringify(error)}`;
        expect(shown).not.to.include(OTHER_SSN);
        expect(shown).not.to.include('Somebody');
        // Asked again by ref_id before giving up: the create, then the same create.
        expect(bench.paxos.to(CREATE)).to.have.length(2);
      });
    }

    it("a wrong 200 is reconciled by ref_id: the 409 names this create's identity, which is returned", async () => {
      let mine: Record<string, unknown> | undefined;
      bench.paxos.script(CREATE, (request, res) => {
        // Paxos created it, but the answer that came back is somebody else's.
        mine = identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'mine-1');
        bench.paxos.store(mine);
        json(res, 200, { ...mine, id: 'other-1', ref_id: 'ref-somebody-else' });
      });
      bench.paxos.script(CREATE, alreadyExists('mine-1'));
      const identity = await new PaxosIdentityGateway(options()).create(draft('ref-mine'));

      expect(identity).to.deep.include({ id: 'mine-1', refId: 'ref-mine' });
      expect(bench.paxos.apiRequests.map((r) => r.method)).to.deep.equal(['POST', 'POST', 'GET']);
    });

    it('a wrong 200 whose 409 names an identity of another SSN: PaxosResponseError, nothing returned', async () => {
      bench.paxos.store(wireIdentity('theirs-1', { ref_id: 'ref-mine' }));
      bench.paxos.script(
        CREATE,
        answerWith((i) => ({ ...i, ref_id: 'ref-x' })),
        alreadyExists('theirs-1'),
      );
      const error = await rejectionOf(new PaxosIdentityGateway(options()).create(draft('ref-mine-2')));
      expect(error).to.be.instanceOf(PaxosResponseError);
    });

    it('a wrong 200 to a create without ref_id cannot be reconciled: PaxosResponseError, sent once', async () => {
      bench.paxos.otherwise(
        CREATE,
        answerWith((i) => ({ ...i, type: 'INSTITUTION' })),
      );
      const unref = NewIdentity.create(aPerson().build(), { now: NOW });
      const error = await rejectionOf(new PaxosIdentityGateway(options()).create(unref));

      expect(error).to.be.instanceOf(PaxosResponseError);
      expect(bench.paxos.to(CREATE)).to.have.length(1);
    });

    it('a 409 whose meta names an identity that does not exist: PaxosConflictError, not IdentityNotFoundError', async () => {
      bench.paxos.otherwise(CREATE, alreadyExists('ghost-1'));
      const error = await rejectionOf(
        serviceFor(bench.paxos, bench.logger).createIdentity(aPerson().withCommand({ refId: 'r-ghost' }).build()),
      );

      expect(error).not.to.be.instanceOf(IdentityNotFoundError);
      expect(error).to.be.instanceOf(PaxosConflictError);
      expect(error).to.deep.include({ code: 'paxos_conflict', existingId: 'ghost-1', status: 409 });
    });

    it("a 409 naming this create's own identity still resolves to it (the replay)", async () => {
      const command = aPerson().with({ cipId: CANARY_SSN }).withCommand({ refId: 'ref-replayed' }).build();
      const first = await new PaxosIdentityGateway(options()).create(NewIdentity.create(command, { now: new Date() }));
      bench.paxos.otherwise(CREATE, alreadyExists(first.id));
      const again = await serviceFor(bench.paxos, bench.logger).createIdentity(command);
      expect(again.id).to.equal(first.id);
    });

    it('a 409 naming somebody else keeps IdentityAlreadyExistsError', async () => {
      bench.paxos.store(wireIdentity('theirs-2'));
      bench.paxos.otherwise(CREATE, alreadyExists('theirs-2'));
      const error = await rejectionOf(new PaxosIdentityGateway(options()).create(draft('ref-mine-3')));
      expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
    });
  });

  describe('a get', () => {
    it('an answer carrying another id is PaxosResponseError', async () => {
      bench.paxos.otherwise(GET, (_request, res) => {
        json(res, 200, wireIdentity('someone-else'));
      });
      const error = await rejectionOf(new PaxosIdentityGateway(options()).get('abc-1'));

      expect(error).to.be.instanceOf(PaxosResponseError);
      expect((error as PaxosResponseError).issues).to.deep.equal(['id: not the one asked for']);
    });
  });

  describe('accounts', () => {
    const wireAccount = (fields: Record<string, unknown>) => ({
      id: 'acc-1',
      identity_id: 'abc-1',
      ref_id: 'acc-ref',
      created_at: '2022-02-15T05:46:50.957068Z',
      updated_at: '2022-02-15T05:46:50.957068Z',
      ...fields,
    });
    const accounts = () => new PaxosAccountGateway(new PaxosConnection(options()));

    it('a create answered with another ref_id, asked again and answered so again: PaxosResponseError', async () => {
      bench.paxos.otherwise(ACCOUNTS, (_request, res) => {
        json(res, 200, wireAccount({ ref_id: 'acc-ref-somebody-else' }));
      });
      const error = await rejectionOf(accounts().create(NewAccount.create({ identityId: 'abc-1', refId: 'acc-ref' })));

      expect(error).to.be.instanceOf(PaxosResponseError);
      expect((error as PaxosResponseError).issues).to.include('ref_id: not the one sent');
      expect(bench.paxos.to(ACCOUNTS)).to.have.length(2);
    });

    it('a get answered with another account is PaxosResponseError', async () => {
      bench.paxos.otherwise('GET /v2/identity/accounts/acc-1', (_request, res) => {
        json(res, 200, wireAccount({ id: 'acc-2' }));
      });
      expect(await rejectionOf(accounts().get('acc-1'))).to.be.instanceOf(PaxosResponseError);
    });
  });

  describe('a create without a ref_id whose answer stalls', () => {
    it('is not retried: one POST, PaxosTimeoutError of the attempt', async () => {
      bench.paxos.otherwise(CREATE, () => undefined);
      const gateway = new PaxosIdentityGateway(options({ attemptTimeoutMs: 50 }));
      const error = await rejectionOf(gateway.create(NewIdentity.create(aPerson().build(), { now: NOW })));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({ timeoutMs: 50, attempts: 1 });
      expect(bench.paxos.to(CREATE)).to.have.length(1);
    });
  });
});
