import {
  AccountAlreadyExistsError,
  AccountMemberNotFoundError,
  AccountNotFoundError,
  DocumentAlreadyExistsError,
  EventNotFoundError,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityValidationError,
  InstitutionMemberNotFoundError,
  IdentityServiceError,
  IdentityControlNotFoundError,
} from '../../../domain/index.js';

/**
 * The status Paxos answers for each refusal the simulation reproduces. The domain's errors know no HTTP; the
 * simulated Paxos adds the status Paxos would have sent, so that code reading `status` (an import report, a contract
 * test) sees the same against the fake as against the Paxos adapter, whose errors carry it from the answer.
 */
const PAXOS_STATUS: ReadonlyArray<readonly [abstract new (...args: never[]) => IdentityServiceError, number]> = [
  // Whatever the simulation refuses inside a call, Paxos would have refused with a 400 after receiving it.
  [IdentityValidationError, 400],
  [IdentityRejectedError, 400],
  [IdentityNotFoundError, 404],
  [InstitutionMemberNotFoundError, 404],
  [EventNotFoundError, 404],
  [AccountNotFoundError, 404],
  [AccountMemberNotFoundError, 404],
  [IdentityControlNotFoundError, 404],
  [IdentityAlreadyExistsError, 409],
  [DocumentAlreadyExistsError, 409],
  [AccountAlreadyExistsError, 409],
];

/** Gives `error` the read-only `status` Paxos (or the object store behind an upload URL) would have answered. */
export function answeredWith<E extends IdentityServiceError>(error: E, status: number): E {
  if (!Object.hasOwn(error, 'status')) Object.defineProperty(error, 'status', { value: status, enumerable: true });
  return error;
}

/** `error` with the status Paxos answers for its kind, when it is one of the refusals the simulation reproduces. */
export function asPaxosAnswers(error: unknown): unknown {
  if (!(error instanceof IdentityServiceError)) return error;
  const status = PAXOS_STATUS.find(([type]) => error instanceof type)?.[1];
  return status === undefined ? error : answeredWith(error, status);
}
