import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { PaxosRateLimitError } from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { json, pause, rejectionOf, serviceFor, useScriptedPaxos, type Recorded } from './support.js';

const EVENTS = 'GET /v2/events';
const DOCUMENTS = 'GET /v2/identity/identities/abc-1/documents';
const CREATE = 'POST /v2/identity/identities';

/** The time between the first and the last of `arrivals`. */
function spanOf(arrivals: readonly number[]): number {
  return Math.max(...arrivals) - Math.min(...arrivals);
}

describe('Paxos adapter: one budget per route (identity, token, other)', function () {
  this.timeout(15_000);
  const bench = useScriptedPaxos();
  let arrivals: Map<Recorded, number>;

  beforeEach(() => {
    arrivals = new Map();
    const stamp = (request: Recorded) => arrivals.set(request, performance.now());
    bench.paxos.otherwise(EVENTS, (request, res) => {
      stamp(request);
      json(res, 200, { events: [] });
    });
    bench.paxos.otherwise(DOCUMENTS, (request, res) => {
      stamp(request);
      json(res, 200, { documents: [], pending_documents: [] });
    });
  });

  const at = (route: string) => bench.paxos.to(route).map((r) => arrivals.get(r) ?? Number.NaN);

  it('30 creates and 30 event reads issued together: the event reads finish at the other pace, not behind the creates', async () => {
    const service = serviceFor(bench.paxos, bench.logger, {
      rateLimit: { requestsPerSecond: 20, tokenRequestsPerSecond: 10, otherRequestsPerSecond: 100 },
    });
    const started = performance.now();
    let eventsDoneAt = 0;
    let createsDoneAt = 0;
    const creates = Promise.all(
      Array.from({ length: 30 }, () => service.createIdentity(aPerson().withCommand({ refId: randomUUID() }).build())),
    ).then(() => (createsDoneAt = performance.now() - started));
    const events = Promise.all(Array.from({ length: 30 }, () => service.listEventsPage({}))).then(
      () => (eventsDoneAt = performance.now() - started),
    );
    await Promise.all([creates, events]);
    expect(bench.paxos.to(CREATE)).to.have.length(30);
    expect(bench.paxos.to(EVENTS)).to.have.length(30);
    // 30 at 100/s need 29 intervals of 10 ms (plus one token wait); 30 at 20/s need 29 intervals of 50 ms.
    expect(createsDoneAt, 'creates paced at 20/s').to.be.at.least(29 * 50 - 50);
    expect(eventsDoneAt, 'event reads finish long before the creates').to.be.below(createsDoneAt / 2);
    expect(spanOf(at(EVENTS)), 'event reads are still paced, at 100/s').to.be.at.least(29 * 10 - 30);
  });

  it('the token route keeps its own pace: the events token waits for a token slot, not behind identity calls', async () => {
    bench.paxos.otherwise('POST /oauth2/token', (request, res) => {
      arrivals.set(request, performance.now());
      json(res, 200, bench.paxos.issueToken());
    });
    const service = serviceFor(bench.paxos, bench.logger, {
      rateLimit: { requestsPerSecond: 1, tokenRequestsPerSecond: 4, otherRequestsPerSecond: 100 },
    });
    await service.createIdentity(aPerson().build());
    // The identity route is now spent for a second; the events call needs a token of other scopes first.
    const started = performance.now();
    await service.listEventsPage({});
    const took = performance.now() - started;
    const tokens = at('POST /oauth2/token');
    expect(tokens, 'one token per scope set').to.have.length(2);
    expect(spanOf(tokens), 'token requests paced at 4/s').to.be.at.least(250 - 30);
    expect(took, 'the event read waited for the token pace only, not the identity one').to.be.below(700);
  });

  it('document reads count against the identity budget with creates (both are under /v2/identity/)', async () => {
    const service = serviceFor(bench.paxos, bench.logger, {
      rateLimit: { requestsPerSecond: 20, tokenRequestsPerSecond: 10, otherRequestsPerSecond: 1000 },
    });
    const createdAt: number[] = [];
    await Promise.all([
      ...Array.from({ length: 5 }, () =>
        service
          .createIdentity(aPerson().withCommand({ refId: randomUUID() }).build())
          .then(() => createdAt.push(performance.now())),
      ),
      ...Array.from({ length: 5 }, () => service.listDocuments('abc-1')),
    ]);
    const all = [...createdAt, ...at(DOCUMENTS)];
    expect(all).to.have.length(10);
    // Ten identity-budget calls at 20/s span at least nine intervals of 50 ms; apart they would take four each.
    expect(spanOf(all)).to.be.at.least(9 * 50 - 40);
  });

  it('a 429 on an event read stops the identity budget too: queued creates fail fast, none is sent', async () => {
    const service = serviceFor(bench.paxos, bench.logger, {
      rateLimit: { requestsPerSecond: 4, tokenRequestsPerSecond: 10, otherRequestsPerSecond: 100, coolDownMs: 60_000 },
      maxRetries: 0,
    });
    await service.createIdentity(aPerson().build());
    bench.paxos.script(EVENTS, (_request, res) => {
      json(res, 429, { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Too many requests' });
    });
    // Queued behind the first create's slot at 4/s: they would go out over the next second.
    const queued = Array.from({ length: 4 }, () => rejectionOf(service.createIdentity(aPerson().build())));
    await pause(20);
    const throttled = await rejectionOf(service.listEventsPage({}));
    expect(throttled).to.be.instanceOf(PaxosRateLimitError);
    expect((throttled as PaxosRateLimitError).reason).to.equal('throttled');
    const started = performance.now();
    const refused = await Promise.all(queued);
    expect(performance.now() - started, 'the queued creates fail at once').to.be.below(200);
    for (const error of refused) {
      expect(error).to.be.instanceOf(PaxosRateLimitError);
      expect((error as PaxosRateLimitError).reason).to.equal('cooling_down');
      expect((error as PaxosRateLimitError).retryAt!.getTime()).to.be.above(Date.now() + 50_000);
    }
    await pause(300);
    expect(bench.paxos.to(CREATE), 'only the create before the 429 reached Paxos').to.have.length(1);
    const later = await rejectionOf(service.listDocuments('abc-1'));
    expect((later as PaxosRateLimitError).reason).to.equal('cooling_down');
    expect(bench.paxos.to(DOCUMENTS)).to.have.length(0);
  });
});
