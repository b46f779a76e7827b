/**
 * Handling every error class the library throws. All of them extend IdentityServiceError and carry a stable `code`;
 * none of their messages, `util.inspect` or `JSON.stringify` output contains personal data or secrets.
 *
 * Run: npx tsx --tsconfig examples/tsconfig.json examples/error-handling.ts
 */
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityServiceError,
  IdentityValidationError,
  PaxosAuthenticationError,
  PaxosBadRequestError,
  PaxosConfigurationError,
  PaxosConnectionError,
  PaxosHttpError,
  PaxosPermissionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
  type CreateIdentityCommand,
} from 'paxos-identity';
import { startPaxosEmulator } from 'paxos-identity/testing';

/** What a host does with each failure: the action is the point, the wording is yours. */
function describeFailure(error: unknown): string {
  if (error instanceof IdentityValidationError) {
    return `fix the input: ${error.violations.map((v) => `${v.path} (${v.code})`).join(', ')}`;
  }
  if (error instanceof IdentityAlreadyExistsError) {
    return error.conflict === 'ref_id'
      ? `this refId belongs to another person (identity ${error.existingId}): use a new refId`
      : `this government id is already onboarded as ${error.existingId}: open an account on that identity instead`;
  }
  if (error instanceof IdentityNotFoundError) return 'no such identity for these credentials';
  if (error instanceof PaxosRateLimitError) return 'throttled by Paxos: wait before sending more';
  if (error instanceof PaxosAuthenticationError) return 'check the client id and secret';
  if (error instanceof PaxosPermissionError) return 'ask Paxos support to enable the missing scope';
  if (error instanceof PaxosBadRequestError) return `Paxos refused the request: ${error.message}`;
  if (
    error instanceof PaxosTimeoutError ||
    error instanceof PaxosConnectionError ||
    error instanceof PaxosServerError
  ) {
    return 'transient: retry later with the same refId (it is safe)';
  }
  if (error instanceof PaxosResponseError || error instanceof PaxosHttpError)
    return 'unexpected answer: report it with its requestId';
  if (error instanceof PaxosConfigurationError) return 'fix the service options';
  if (error instanceof IdentityServiceError) return `other library error: ${error.code}`;
  return 'not from paxos-identity: rethrow';
}

const person: CreateIdentityCommand['person'] = {
  firstName: 'Grace',
  lastName: 'Hopper',
  dateOfBirth: '1986-12-09',
  nationality: 'USA',
  cipId: '987-65-4321',
  cipIdType: 'SSN',
  cipIdCountry: 'USA',
  address: { country: 'USA', address1: '1 Navy Way', city: 'Arlington', province: 'VA', zipCode: '22201' },
};

const emulator = await startPaxosEmulator();
try {
  const service = createIdentityService({
    adapter: 'paxos',
    paxos: {
      environment: 'sandbox',
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      maxRetries: 0,
    },
  });
  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['invalid input', () => service.createIdentity({ person: { ...person, dateOfBirth: '1986-02-30' } })],
    ['first create', () => service.createIdentity({ refId: 'grace', person })],
    [
      'refId reused for someone else',
      () => service.createIdentity({ refId: 'grace', person: { ...person, cipId: '987-65-4322' } }),
    ],
    ['same person, new refId', () => service.createIdentity({ refId: 'grace-2', person })],
    ['unknown id', () => service.getIdentity('00000000-0000-4000-8000-000000000000')],
    [
      'Paxos answers 503',
      () => {
        emulator.faults.inject({ kind: 'status', status: 503 }, { times: 1 });
        return service.getIdentity('00000000-0000-4000-8000-000000000000');
      },
    ],
    [
      'Paxos answers 429',
      () => {
        emulator.faults.inject({ kind: 'status', status: 429 }, { times: 1 });
        return service.getIdentity('00000000-0000-4000-8000-000000000000');
      },
    ],
  ];
  for (const [what, attempt] of attempts) {
    try {
      await attempt();
      console.log(`${what.padEnd(30)} ok`);
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      console.log(`${what.padEnd(30)} ${name}: ${describeFailure(error)}`);
    }
  }
} finally {
  await emulator.close();
}
