import { expect } from 'chai';
import { randomInt, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  createIdentityService,
  IdentityServiceError,
  type CreateIdentityCommand,
  type IdentityService,
  type PaxosGatewayOptions,
} from '../../src/index.js';
import { startPaxosEmulator, type EmulatorFault, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { CapturingLogger } from './fault-run.js';

// Unique per run (an SSN per create, since Paxos refuses a CIP id twice), so that a hit cannot come from a fixture.
const ssns: string[] = [];
function canarySsn(): string {
  const ssn = `${String(randomInt(100, 600))}-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`;
  ssns.push(ssn);
  return ssn;
}
const SSN = canarySsn();
const DOB = `19${String(randomInt(30, 79))}-0${String(randomInt(1, 9))}-1${String(randomInt(0, 9))}`;
const SECRET = `canary-secret-${randomUUID()}`;
const canaries = (): string[] => [
  ...ssns.flatMap((ssn) => [ssn, ssn.replace(/-/g, '')]),
  DOB,
  DOB.replace(/-/g, ''),
  SECRET,
];

/** Every rendering of a value a user, a log pipeline or an error tracker could see, down the cause chain. */
function renderings(value: unknown): string[] {
  const out: string[] = [];
  let current: unknown = value;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    out.push(inspect(current, { depth: Infinity, showHidden: true, getters: true }));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify returns undefined for a function or symbol in the chain
    out.push(JSON.stringify(current) ?? '');
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the default rendering is one of the renderings searched for leaks
    out.push(String(current));
    if (current instanceof Error) {
      out.push(current.message, current.stack ?? '');
      current = current.cause;
    } else {
      current = undefined;
    }
  }
  return out;
}

describe('PII canary: no SSN, date of birth or client secret in any error, log line or rendering', function () {
  this.timeout(60_000);
  let emulator: PaxosEmulator;
  let logger: CapturingLogger;
  const covered: string[] = [];
  const seen: string[] = [];

  function serviceWith(extra: Partial<PaxosGatewayOptions> = {}): IdentityService {
    return createIdentityService({
      adapter: 'paxos',
      paxos: {
        environment: 'sandbox',
        baseUrl: emulator.baseUrl,
        tokenUrl: emulator.tokenUrl,
        clientId: emulator.clientId,
        clientSecret: SECRET,
        timeoutMs: 1_000,
        maxRetries: 2,
        retryBackoff: { initialDelayMs: 1, maxDelayMs: 4 },
        rateLimit: false,
        logger,
        ...extra,
      },
    });
  }

  function canaryCommand(changes: Partial<CreateIdentityCommand['person']> = {}): CreateIdentityCommand {
    return aPerson()
      .withCommand({ refId: randomUUID() })
      .with({ cipId: canarySsn(), dateOfBirth: DOB, ...changes })
      .build();
  }

  /** Runs one failure path (`expectCode` is an error code, or 'ok'); records its outcome's renderings for the final search. */
  async function path(name: string, run: () => Promise<unknown>, expectCode: string): Promise<void> {
    let outcome: unknown;
    try {
      outcome = await run();
    } catch (error) {
      outcome = error;
    }
    if (expectCode === 'ok') expect(outcome, name).not.to.be.instanceOf(Error);
    else {
      expect(outcome, name).to.be.instanceOf(IdentityServiceError);
      expect((outcome as IdentityServiceError).code, name).to.equal(expectCode);
    }
    seen.push(...renderings(outcome));
    covered.push(name);
  }

  before(async () => {
    emulator = await startPaxosEmulator({ credentials: { clientId: `client-${randomUUID()}`, clientSecret: SECRET } });
    logger = new CapturingLogger();
  });

  after(async () => {
    await emulator.close();
  });

  it('every failure path, then one search of everything captured', async () => {
    const service = serviceWith();
    const fault = (f: EmulatorFault, times = 1) =>
      emulator.faults.inject(f, { times, match: { path: '/v2/identity/identities' } });

    await path('success (the identity itself)', () => service.createIdentity(canaryCommand()), 'ok');
    for (const status of [500, 502, 503, 504]) {
      fault({ kind: 'status', status }, 3);
      await path(
        `${status} until retries run out`,
        () => service.createIdentity(canaryCommand()),
        'paxos_server_error',
      );
    }
    fault({ kind: 'status', status: 503 });
    await path('503 then success', () => service.createIdentity(canaryCommand()), 'ok');
    fault({ kind: 'status', status: 429 });
    await path('429 without Retry-After', () => service.createIdentity(canaryCommand()), 'paxos_rate_limited');
    fault({ kind: 'status', status: 429, retryAfter: 0 });
    await path('429 with Retry-After, retried', () => service.createIdentity(canaryCommand()), 'ok');
    fault({ kind: 'drop', when: 'before-processing' }, 3);
    await path(
      'reset before processing, every attempt',
      () => service.createIdentity(canaryCommand()),
      'paxos_connection',
    );
    fault({ kind: 'drop', when: 'after-processing' });
    await path('reset after processing, replayed', () => service.createIdentity(canaryCommand()), 'ok');
    fault({ kind: 'stall-body' });
    await path('stalled body, cut and replayed', () => service.createIdentity(canaryCommand()), 'ok');
    fault({ kind: 'stall-headers' }, 3);
    await path('stalled headers, every attempt', () => service.createIdentity(canaryCommand()), 'paxos_timeout');
    fault({ kind: 'truncate-body' });
    await path('truncated body, replayed', () => service.createIdentity(canaryCommand()), 'ok');
    fault({ kind: 'truncate-body' }, 3);
    await path(
      'truncated body, every attempt',
      () => service.createIdentity(canaryCommand()),
      'paxos_invalid_response',
    );
    fault({ kind: 'delay', ms: 1_500 });
    // An attempt budget as long as the deadline, started after it, so that the deadline is what ends the wait.
    await path(
      'slow response past the deadline',
      () => serviceWith({ attemptTimeoutMs: 1_000 }).createIdentity(canaryCommand()),
      'paxos_timeout',
    );
    const echoed = canaryCommand();
    const echoedSsn = echoed.person!.cipId;
    fault({
      kind: 'status',
      status: 400,
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: `cip_id ${echoedSsn} and date_of_birth ${DOB} are invalid`,
      },
    });
    await path('400 whose detail echoes the SSN and DOB', () => service.createIdentity(echoed), 'paxos_bad_request');
    fault({ kind: 'status', status: 200, body: { id: 7, person_details: { cip_id: SSN, date_of_birth: DOB } } });
    await path(
      '200 with a body of the wrong shape carrying the SSN',
      () => service.createIdentity(canaryCommand()),
      'paxos_invalid_response',
    );
    fault({ kind: 'status', status: 307, body: { location: SSN } });
    await path('redirect', () => service.createIdentity(canaryCommand()), 'paxos_invalid_response');

    const taken = canaryCommand();
    await service.createIdentity(taken);
    await path(
      '409 CIP conflict',
      () => service.createIdentity({ ...taken, refId: randomUUID() }),
      'identity_already_exists',
    );
    await path(
      'validation: a date of birth that does not exist',
      () => service.createIdentity(canaryCommand({ dateOfBirth: `${DOB.slice(0, 4)}-02-30` })),
      'identity_invalid',
    );
    await path(
      'validation: an SSN in the name field',
      () => service.createIdentity(canaryCommand({ firstName: `${canarySsn()}\u0000${DOB}` })),
      'identity_invalid',
    );
    await path(
      'validation: the SSN as an unknown field',
      () => service.createIdentity({ ...canaryCommand(), [canarySsn()]: DOB }),
      'identity_invalid',
    );
    const controller = new AbortController();
    fault({ kind: 'delay', ms: 500 });
    setTimeout(() => {
      controller.abort(new Error('caller cancelled'));
    }, 20);
    await path(
      'caller abort',
      () =>
        service.createIdentity(canaryCommand(), { signal: controller.signal }).catch((error: unknown) => {
          // The caller's own reason comes back as is: it is the caller's object, and holds no canary.
          throw error instanceof IdentityServiceError ? error : new IdentityServiceErrorLike('caller_abort');
        }),
      'caller_abort',
    );

    emulator.expireTokens();
    await path('401 then a fresh token', () => service.createIdentity(canaryCommand()), 'ok');
    emulator.faults.inject({ kind: 'status', status: 500 }, { match: { path: '/oauth2/token' } });
    emulator.expireTokens();
    await path('token endpoint 500', () => service.createIdentity(canaryCommand()), 'paxos_server_error');
    emulator.faults.inject({ kind: 'status', status: 429 }, { match: { path: '/oauth2/token' } });
    await path('token endpoint 429', () => service.createIdentity(canaryCommand()), 'paxos_rate_limited');
    emulator.faults.inject({ kind: 'truncate-body' }, { match: { path: '/oauth2/token' } });
    await path(
      'token endpoint truncated body',
      () => service.createIdentity(canaryCommand()),
      'paxos_invalid_response',
    );

    const wrongSecret = serviceWith({ clientSecret: `${SECRET}-rotated` });
    await path(
      'token refused: invalid_client',
      () => wrongSecret.createIdentity(canaryCommand()),
      'paxos_authentication',
    );
    const vaultFails = serviceWith({
      clientSecret: () => {
        throw new Error(`vault said ${SECRET}`);
      },
    });
    await path(
      'client secret function throws with the secret in its message',
      () => vaultFails.createIdentity(canaryCommand()),
      'paxos_authentication',
    );

    const limited = serviceWith({
      rateLimit: { requestsPerSecond: 0.01, tokenRequestsPerSecond: 10, maxQueue: 0, coolDownMs: 60_000 },
    });
    await limited.createIdentity(canaryCommand());
    await path('rate limiter queue full', () => limited.createIdentity(canaryCommand()), 'paxos_rate_limited');
    const cooling = serviceWith({
      rateLimit: { requestsPerSecond: 1000, tokenRequestsPerSecond: 10, maxQueue: 10, coolDownMs: 60_000 },
    });
    fault({ kind: 'status', status: 429 });
    await path('429 that starts the cool-down', () => cooling.createIdentity(canaryCommand()), 'paxos_rate_limited');
    await path('refused during the cool-down', () => cooling.createIdentity(canaryCommand()), 'paxos_rate_limited');

    await path('get of an unknown id', () => service.getIdentity(randomUUID()), 'identity_not_found');
    const created = await service.createIdentity(canaryCommand());
    emulator.faults.inject({ kind: 'truncate-body' }, { match: { method: 'GET' } });
    await path('get with a truncated body, asked again', () => service.getIdentity(created.id), 'ok');
    emulator.faults.inject({ kind: 'truncate-body' }, { times: 3, match: { method: 'GET' } });
    await path(
      'get with a truncated body, every attempt',
      () => service.getIdentity(created.id),
      'paxos_invalid_response',
    );

    // The search: every rendering of every outcome, and every log line.
    const haystack = [...seen, ...logger.lines];
    const hits = canaries().flatMap((canary) =>
      haystack.filter((text) => text.includes(canary)).map((text) => `${canary} in ${text.slice(0, 200)}`),
    );
    expect(hits).to.deep.equal([]);
    expect(logger.lines.length).to.be.greaterThan(30);
    expect(covered.length, covered.join(', ')).to.be.at.least(30);
    console.log(
      `      PII canary: ${covered.length} paths, ${haystack.length} renderings and log lines searched, ${canaries().length} canaries, 0 hits`,
    );
    // The canaries did travel: the emulator holds identities made from them, so the absence above is not vacuous.
    const stored = await service.getIdentity(created.id);
    expect(ssns).to.include(stored.person?.cipId?.reveal());
    expect(stored.person?.dateOfBirth?.reveal()).to.equal(DOB);
  });
});

/** Marks a caller's own abort reason as an outcome with a code, for the path table. */
class IdentityServiceErrorLike extends IdentityServiceError {
  constructor(readonly code: string) {
    super('caller cancelled');
  }
}
