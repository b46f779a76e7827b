import { expect } from 'chai';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { ScriptProcess, SCALED_EMULATOR_LIMITS } from '../support/fleet.js';
import { IDENTITIES_ROUTE, paxosOptionsFor } from '../support/paxos.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from '../support/redis.js';
import type { FleetConfig, FleetResult } from './creator-process.js';

/**
 * Scaled (see SCALED_EMULATOR_LIMITS): the emulator allows 400 identity requests in any 10 s, and the fleet shares 38/s
 * through Redis. The fleet's calls are spaced evenly on Redis's clock, so any 10 s holds at most 38 × 10 + 1 = 381 of
 * them, under 400 with room for jitter. Three processes pacing alone at 38/s each would spend the 400 in under four
 * seconds, inside one run.
 */
const ALLOWED_RATE = SCALED_EMULATOR_LIMITS.identityPerSecond;
const FLEET_RATE = 38;
const PROCESSES = 3;
const CREATOR = new URL('./creator-process.ts', import.meta.url);

interface Creator {
  readonly script: ScriptProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<FleetResult>;
}

function startCreator(config: FleetConfig): Creator {
  const script = new ScriptProcess(CREATOR, { FLEET_CONFIG: JSON.stringify(config) });
  return { script, ready: script.untilLine('ready'), result: script.untilJson<FleetResult>('result ') };
}

function created(emulator: PaxosEmulator): number {
  return emulator.requests.filter((r) => r.route === IDENTITIES_ROUTE && r.status === 200).length;
}

function throttled(emulator: PaxosEmulator): number {
  return emulator.requests.filter((r) => r.status === 429).length;
}

describeWithRedis(
  'a fleet of three processes sharing one RedisRateLimiter namespace, against one emulator (scaled)',
  function () {
    this.timeout(60_000);
    let emulator: PaxosEmulator;
    let creators: Creator[] = [];

    beforeEach(async () => {
      emulator = await startPaxosEmulator({ rateLimit: SCALED_EMULATOR_LIMITS });
    });

    afterEach(async () => {
      await Promise.all(creators.map((c) => c.script.kill()));
      creators = [];
      await emulator.close();
    });

    async function runFleet(durationMs: number, namespaces: readonly string[]): Promise<void> {
      creators = namespaces.map((namespace) =>
        startCreator({
          paxos: paxosOptionsFor(emulator),
          redisUrl: REDIS_URL,
          namespace,
          identityPerSecond: FLEET_RATE,
          tokenPerSecond: 5,
          concurrency: 30,
          durationMs,
        }),
      );
      await Promise.race([
        Promise.all(creators.map((c) => c.ready)),
        Promise.any(creators.map((c) => c.result)),
        new Promise((_, reject) =>
          setTimeout(() => {
            reject(new Error('creators did not start within 15 s'));
          }, 15_000),
        ),
      ]);
      for (const { script } of creators) script.child.stdin.write('go\n');
    }

    it('creating as fast as they can for 20 s: no 429, and together at least 0.9 of the rate the emulator allows', async () => {
      const durationMs = 20_000;
      const namespace = uniqueNamespace();
      await runFleet(
        durationMs,
        Array.from({ length: PROCESSES }, () => namespace),
      );
      const results = await Promise.all(creators.map((c) => c.result));
      const total = results.reduce((sum, r) => sum + r.created, 0);
      // From the first start to the last end: calls queued before the end still finish after it.
      const spanMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
      const perSecond = total / (spanMs / 1000);
      console.log(
        `      fleet: ${String(total)} created in ${String(spanMs)} ms = ${perSecond.toFixed(1)}/s of ${String(FLEET_RATE)}/s shared ` +
          `(${(perSecond / ALLOWED_RATE).toFixed(3)} of the ${String(ALLOWED_RATE)}/s the emulator allows); ` +
          `per process ${results.map((r) => r.created).join(', ')}`,
      );
      expect(throttled(emulator), 'no 429').to.equal(0);
      for (const r of results) expect(r.refused, 'nothing refused').to.deep.equal({});
      for (const r of results) expect(r.otherErrors, 'no other error').to.deep.equal({});
      expect(created(emulator)).to.equal(total);
      expect(perSecond / ALLOWED_RATE, 'share of the allowed rate').to.be.at.least(0.9);
      expect(perSecond, 'never above the rate the fleet shares').to.be.at.most(FLEET_RATE * 1.02);
      for (const r of results) expect(r.created, 'every process got a share').to.be.greaterThan(0);
    });

    it('control: the same three processes on separate namespaces are throttled, so the test above can fail', async () => {
      await runFleet(
        6_000,
        Array.from({ length: PROCESSES }, () => uniqueNamespace()),
      );
      await Promise.all(creators.map((c) => c.result));
      expect(throttled(emulator)).to.be.greaterThan(0);
    });

    it('a 429 seen by one process stops the queued calls of all three', async () => {
      const durationMs = 10_000;
      const namespace = uniqueNamespace();
      await runFleet(
        durationMs,
        Array.from({ length: PROCESSES }, () => namespace),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const injectedAt = Date.now();
      emulator.faults.inject({ kind: 'status', status: 429 }, { match: { method: 'POST', path: IDENTITIES_ROUTE } });
      const results = await Promise.all(creators.map((c) => c.result));
      const log = emulator.requests;
      const at = log.findIndex((r) => r.status === 429);
      expect(at, 'the 429 was served').to.be.at.least(0);
      const sentAfter = log.slice(at + 1).filter((r) => r.route === IDENTITIES_ROUTE).length;
      const stoppedAfter = results.map((r) => r.endedAt - injectedAt);
      console.log(
        `      429 injected: creates sent after it ${String(sentAfter)}; processes stopped ${stoppedAfter.join(', ')} ms after; ` +
          `refusals ${results.map((r) => JSON.stringify(r.refused)).join(' ')}`,
      );
      expect(results.flatMap((r) => Object.keys(r.refused))).to.include('throttled');
      for (const r of results)
        expect(r.refused['cooling_down'] ?? 0, 'its queued calls were refused').to.be.greaterThan(0);
      for (const ms of stoppedAfter) expect(ms, 'stopped long before the run would end').to.be.below(2_000);
      expect(sentAfter, 'at most the calls already in flight').to.be.at.most(5);
      expect(throttled(emulator)).to.equal(1);
    });
  },
);
