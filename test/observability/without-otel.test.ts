import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useScriptedPaxos } from '../adapters/paxos/support.js';

const run = promisify(execFile);
const HOOKS = new URL('./without-otel-hooks.mjs', import.meta.url).href;
const LIBRARY = new URL('../../src/index.ts', import.meta.url).href;

/**
 * A process in which `@opentelemetry/api` cannot be resolved: it builds a Paxos service with telemetry asked for
 * (a tracer provider given, so the adapter does try to load the API) and hooks, makes one call, and prints what
 * happened as JSON.
 */
const CHILD = `
const { register } = await import('node:module');
register(${JSON.stringify(HOOKS)});
const blocked = await import('@opentelemetry/api').then(() => false, () => true);
const { createIdentityService } = await import(${JSON.stringify(LIBRARY)});
let tracers = 0;
const events = [];
const service = createIdentityService({
  adapter: 'paxos',
  paxos: {
    ...JSON.parse(process.env.PAXOS_OPTIONS),
    telemetry: { tracerProvider: { getTracer: () => { tracers += 1; throw new Error('no tracer without the API'); } } },
    hooks: { onResponse: (e) => events.push(e.outcome) },
  },
});
const identity = await service.getIdentity('abc-1');
console.log(JSON.stringify({ blocked, id: identity.id, tracers, events }));
`;

describe('Observability without @opentelemetry/api installed', () => {
  const bench = useScriptedPaxos();

  it('calls succeed, hooks still run, and no tracer is asked for: telemetry is a no-op', async () => {
    // The logger is an object of this process: the child gets the plain options only.
    const options = { ...bench.options({ rateLimit: false }), logger: undefined };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', CHILD], {
      env: { ...process.env, PAXOS_OPTIONS: JSON.stringify(options) },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).to.deep.equal({
      blocked: true,
      id: 'abc-1',
      tracers: 0,
      events: ['ok'],
    });
  });
});
