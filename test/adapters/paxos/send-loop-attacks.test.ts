import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import { PaxosTimeoutError } from '../../../src/index.js';
import { InMemoryTokenCache, PaxosIdentityGateway } from '../../../src/gateways.js';
import type { CachedAccessToken } from '../../../src/ports/index.js';
import {
  json,
  ManualClock,
  problem,
  rejectionOf,
  settle,
  useScriptedPaxos,
  wireIdentity,
  type Recorded,
  type Script,
  type ScriptedPaxos,
} from './support.js';

const GET = 'GET /v2/identity/identities/{id}';
const TOKEN = 'POST /oauth2/token';
/** What "no hang" means here: far above every budget below, far below mocha's timeout. */
const NO_HANG_MS = 5_000;

const stallHeaders: Script = () => undefined;

/** Headers, the first bytes of the identity, then nothing. */
const stallBody: Script = (_request, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
  res.write('{"id":"abc-1",');
};

/** The identity, a byte every `everyMs`: each byte in time, the whole far past any budget below. */
function trickle(everyMs: number): Script {
  return (_request, res) => {
    const text = JSON.stringify(wireIdentity('abc-1'));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= text.length || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(text.slice(sent, sent + 1));
      sent += 1;
    }, everyMs);
    res.on('close', () => {
      clearInterval(timer);
    });
  };
}

/** A script that stalls and resolves `arrived` once the request is in, to abort at a known phase. */
function arrival(script: Script): { readonly script: Script; readonly arrived: Promise<ServerResponse> } {
  let resolve!: (res: ServerResponse) => void;
  const arrived = new Promise<ServerResponse>((r) => (resolve = r));
  return {
    script: async (request: Recorded, res: ServerResponse) => {
      await script(request, res);
      resolve(res);
    },
    arrived,
  };
}

/**
 * A GET script that answers the first request for an id with `first(index)` (when it gives one) and every other with
 * the stored identity: under many concurrent calls a retry may arrive before another call's first attempt, so a
 * shared queue of faults would not say whose attempt each fault hits.
 */
function firstAttemptOf(paxos: ScriptedPaxos, count: number, first: (index: number) => Script | undefined): Script {
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) paxos.store(wireIdentity(`many-${i}`));
  return (request, res) => {
    const id = decodeURIComponent(request.path.split('/')[4] ?? '');
    const fault = seen.has(id) ? undefined : first(Number(id.slice('many-'.length)));
    seen.add(id);
    if (fault !== undefined) return fault(request, res);
    json(res, 200, wireIdentity(id));
  };
}

/** Timers keeping this process alive: what a call must not leave behind. */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

/** A turn for timers cleared in a `finally` and sockets closed on the other side to show. */
const turns = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('the send loop under attack: attempt budgets, deadlines, aborts, leaks, cached tokens, telemetry', function () {
  this.timeout(20_000);
  const bench = useScriptedPaxos();
  const { options, limiterOf } = bench;
  let paxos: ScriptedPaxos;
  beforeEach(() => {
    ({ paxos } = bench);
  });

  describe('stalls cost one attempt and are retried within the deadline', () => {
    for (const [what, script] of [
      ['headers that never come', stallHeaders],
      ['a body that stalls', stallBody],
      ['a body that trickles past the attempt budget', trickle(20)],
    ] as const) {
      it(`${what}, once: the GET resolves on its second attempt`, async () => {
        paxos.script(GET, script);
        const gateway = new PaxosIdentityGateway(options({ timeoutMs: 10_000, attemptTimeoutMs: 150 }));
        const { error, ms } = await settle(gateway.get('abc-1'));

        expect(error).to.equal(undefined);
        expect(ms).to.be.below(NO_HANG_MS);
        expect(paxos.to(GET)).to.have.length(2);
      });
    }

    it('the client closes the connection of a stalled attempt: no socket is left to the stalled answer', async () => {
      const closed: Promise<void>[] = [];
      const closing =
        (script: Script): Script =>
        (request, res) => {
          closed.push(
            new Promise((resolve) => {
              res.on('close', () => {
                resolve();
              });
            }),
          );
          return script(request, res);
        };
      paxos.script(GET, closing(stallHeaders), closing(stallBody));
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 10_000, attemptTimeoutMs: 150 }));
      await gateway.get('abc-1');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([
        Promise.all(closed).then(() => 'closed'),
        new Promise((resolve) => (timer = setTimeout(resolve, NO_HANG_MS, 'open'))),
      ]);
      clearTimeout(timer);

      expect(closed).to.have.length(2);
      expect(settled).to.equal('closed');
    });

    it('100 calls in the same tick, the first attempt of each stalling: all resolve on a second attempt', async () => {
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 15_000, attemptTimeoutMs: 1_000 }));
      await gateway.get('abc-1');
      paxos.otherwise(
        GET,
        firstAttemptOf(paxos, 100, (i) => (i % 2 === 0 ? stallHeaders : stallBody)),
      );
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => settle(gateway.get(`many-${i}`))));

      for (const { error, ms } of results) {
        expect(error).to.equal(undefined);
        expect(ms).to.be.below(NO_HANG_MS * 2);
      }
      // Each id stalled once; a second attempt slowed past its budget by 100 reconnections on a busy machine may be
      // asked once more, which is the rule too.
      expect(paxos.to(GET).length).to.be.at.least(1 + 200);
    });
  });

  describe('a deadline shorter than the attempt budget', () => {
    for (const [what, script] of [
      ['headers that never come', stallHeaders],
      ['a body that stalls', stallBody],
      ['a body that trickles', trickle(20)],
    ] as const) {
      it(`${what}: PaxosTimeoutError naming the deadline, one attempt, no hang`, async () => {
        paxos.otherwise(GET, script);
        const gateway = new PaxosIdentityGateway(options({ timeoutMs: 10_000, attemptTimeoutMs: 10_000 }));
        const { error, ms } = await settle(gateway.get('abc-1', { timeoutMs: 400 }));

        expect(error).to.be.instanceOf(PaxosTimeoutError);
        expect(error).to.deep.include({ timeoutMs: 400, attempts: 1 });
        expect(ms).to.be.below(NO_HANG_MS);
        expect(paxos.to(GET)).to.have.length(1);
      });
    }

    it('a configured deadline equal to the attempt budget: the deadline ends the stall', async () => {
      paxos.otherwise(GET, stallBody);
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 400, attemptTimeoutMs: 400 }));
      const error = await rejectionOf(gateway.get('abc-1'));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({ timeoutMs: 400, attempts: 1 });
    });

    it('a per-call timeoutMs scales the attempt budget: a stall once is retried inside it', async () => {
      paxos.script(GET, stallHeaders);
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 30_000 }));
      const { error, ms } = await settle(gateway.get('abc-1', { timeoutMs: 1_200 }));

      expect(error).to.equal(undefined);
      expect(ms).to.be.below(NO_HANG_MS);
      expect(paxos.to(GET)).to.have.length(2);
    });

    it('a per-call timeoutMs, every attempt stalling: a PaxosTimeoutError inside it, never a hang', async () => {
      paxos.otherwise(GET, stallBody);
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 30_000, maxRetries: 10 }));
      const { error, ms } = await settle(gateway.get('abc-1', { timeoutMs: 600 }));

      expect(error).to.be.instanceOf(PaxosTimeoutError);
      expect(error).to.deep.include({ timeoutMs: 600 });
      expect(ms).to.be.below(NO_HANG_MS);
    });
  });

  describe("the caller's abort, at every phase, rejects with the caller's reason", () => {
    const reason = new Error('caller gave up');

    it('before send: no request leaves', async () => {
      const gateway = new PaxosIdentityGateway(options());
      const error = await settle(gateway.get('abc-1', { signal: AbortSignal.abort(reason) }));

      expect(error.error).to.equal(reason);
      expect(paxos.requests).to.have.length(0);
    });

    for (const [phase, script] of [
      ['during headers', stallHeaders],
      ['during the body', stallBody],
      ['during a trickling body', trickle(20)],
    ] as const) {
      it(phase, async () => {
        const gateway = new PaxosIdentityGateway(options({ timeoutMs: 20_000, attemptTimeoutMs: 20_000 }));
        await gateway.get('abc-1');
        const { script: scripted, arrived } = arrival(script);
        paxos.script(GET, scripted);
        const controller = new AbortController();
        const call = settle(gateway.get('abc-1', { signal: controller.signal }));
        await arrived;
        await turns();
        controller.abort(reason);
        const { error, ms } = await call;

        expect(error).to.equal(reason);
        expect(ms).to.be.below(NO_HANG_MS);
        expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
      });
    }

    it('during a backoff sleep', async () => {
      const gateway = new PaxosIdentityGateway(
        options({ timeoutMs: 20_000, retryBackoff: { initialDelayMs: 10_000, maxDelayMs: 10_000 } }),
      );
      await gateway.get('abc-1');
      const { script: scripted, arrived } = arrival(problem(503));
      paxos.script(GET, scripted);
      const controller = new AbortController();
      const call = settle(gateway.get('abc-1', { signal: controller.signal }));
      await arrived;
      await turns();
      controller.abort(reason);
      const { error, ms } = await call;

      expect(error).to.equal(reason);
      expect(ms).to.be.below(NO_HANG_MS);
      expect(paxos.to(GET)).to.have.length(2);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('during a token fetch', async () => {
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 2_000, attemptTimeoutMs: 2_000 }));
      const { script: scripted, arrived } = arrival(stallHeaders);
      paxos.script(TOKEN, scripted);
      const controller = new AbortController();
      const call = settle(gateway.get('abc-1', { signal: controller.signal }));
      await arrived;
      controller.abort(reason);
      const { error, ms } = await call;

      expect(error).to.equal(reason);
      expect(ms).to.be.below(NO_HANG_MS);
      expect(paxos.apiRequests).to.have.length(0);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('during a token fetch behind a rate limiter', async () => {
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 2_000, attemptTimeoutMs: 2_000 }), {
        rateLimiter: limiterOf(),
      });
      const { script: scripted, arrived } = arrival(stallHeaders);
      paxos.script(TOKEN, scripted);
      const controller = new AbortController();
      const call = settle(gateway.get('abc-1', { signal: controller.signal }));
      await arrived;
      controller.abort(reason);

      expect((await call).error).to.equal(reason);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });
  });

  describe('nothing outlives a call', () => {
    it('no timer is left after stalls, body cuts, deadline expiries, aborts and successes', async () => {
      const gateway = new PaxosIdentityGateway(options({ timeoutMs: 5_000, attemptTimeoutMs: 100, maxRetries: 1 }));
      await gateway.get('abc-1');
      await turns();
      const before = liveTimers();
      paxos.script(GET, stallHeaders, stallBody, trickle(10), stallBody, stallHeaders, problem(503), problem(404));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      await settle(gateway.get('abc-1'));
      paxos.script(GET, stallBody);
      await settle(gateway.get('abc-1', { timeoutMs: 200 }));
      const controller = new AbortController();
      const { script: scripted, arrived } = arrival(stallBody);
      paxos.script(GET, scripted);
      const aborted = settle(gateway.get('abc-1', { signal: controller.signal, timeoutMs: 4_000 }));
      await arrived;
      controller.abort(new Error('stop'));
      await aborted;
      await gateway.get('abc-1');
      await turns();

      // At most: a timer of the warm-up (a keep-alive socket's) may have ended meanwhile.
      expect(liveTimers()).to.be.at.most(before);
    });

    it('1,000 calls on one long-lived signal, with retries and backoff sleeps: the signal keeps no listener', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const controller = new AbortController();
        const { signal } = controller;
        const gateway = new PaxosIdentityGateway(options({ timeoutMs: 10_000, attemptTimeoutMs: 2_000 }));
        await gateway.get('abc-1');
        // Every tenth first attempt fails and is retried after a backoff sleep, which makes the deadline's signal.
        paxos.otherwise(
          GET,
          firstAttemptOf(paxos, 1_000, (i) => (i % 10 === 0 ? problem(503) : undefined)),
        );
        const results: { error: unknown }[] = [];
        for (let batch = 0; batch < 10; batch += 1) {
          const calls = Array.from({ length: 100 }, (_, i) =>
            settle(gateway.get(`many-${batch * 100 + i}`, { signal })),
          );
          results.push(...(await Promise.all(calls)));
        }
        await new Promise((resolve) => setImmediate(resolve));

        for (const { error } of results) expect(error).to.equal(undefined);
        expect(paxos.to(GET)).to.have.length(1 + 1_000 + 100);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        expect(warnings.map((w) => w.name)).to.deep.equal([]);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });

  describe('a token read without waiting', () => {
    const bearerOf = (request: Recorded) => request.headers.authorization;

    it('a token refused with a 401 is not served again from the cache', async () => {
      const gateway = new PaxosIdentityGateway(options());
      await gateway.get('abc-1');
      paxos.script(GET, problem(401, 'token revoked'));
      await gateway.get('abc-1');
      await gateway.get('abc-1');
      const bearers = paxos.to(GET).map(bearerOf);

      expect(paxos.tokenRequests).to.have.length(2);
      expect(bearers[1]).to.equal(bearers[0]);
      expect(bearers[2]).not.to.equal(bearers[1]);
      expect(bearers[3]).to.equal(bearers[2]);
    });

    it('a token past renewAt by the injected clock is not served', async () => {
      const clock = new ManualClock(Date.now());
      const gateway = new PaxosIdentityGateway(options(), { clock });
      await gateway.get('abc-1');
      await gateway.get('abc-1');
      clock.advance(3_600_000);
      await gateway.get('abc-1');
      const bearers = paxos.to(GET).map(bearerOf);

      expect(paxos.tokenRequests).to.have.length(2);
      expect(bearers[1]).to.equal(bearers[0]);
      expect(bearers[2]).not.to.equal(bearers[1]);
    });

    it('an InMemoryTokenCache on its own clock: a token past renewAt by that clock is not served', async () => {
      const clock = new ManualClock(Date.now());
      const gateway = new PaxosIdentityGateway(options(), { tokenCache: new InMemoryTokenCache({ clock }) });
      await gateway.get('abc-1');
      clock.advance(3_600_000);
      await gateway.get('abc-1');

      expect(paxos.tokenRequests).to.have.length(2);
    });

    it('a cache extending InMemoryTokenCache is still asked through its own get', async () => {
      let reads = 0;
      class CountingCache extends InMemoryTokenCache {
        override get(key: string): Promise<CachedAccessToken | undefined> {
          reads += 1;
          return super.get(key);
        }
      }
      const gateway = new PaxosIdentityGateway(options(), { tokenCache: new CountingCache() });
      await gateway.get('abc-1');
      const afterFirst = reads;
      await gateway.get('abc-1');
      await gateway.get('abc-1');

      expect(paxos.tokenRequests).to.have.length(1);
      expect(reads).to.be.above(afterFirst);
    });
  });

  describe('telemetry registered late', () => {
    afterEach(() => {
      trace.disable();
    });

    it('a tracer provider registered after the first call is used by the calls after it', async () => {
      const gateway = new PaxosIdentityGateway(options());
      await gateway.get('abc-1');
      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      await gateway.get('abc-1');

      const spans = exporter.getFinishedSpans();
      expect(spans).to.have.length(1);
    });
  });
});
