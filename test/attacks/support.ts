/** Shared set-up of the attack suites: an emulator and a service on the Paxos adapter with a recording logger. */
import { inspect } from 'node:util';
import type { FailedAnswer } from '../../src/adapters/paxos/http/error-factory.js';
import { createIdentityService, IdentityValidationError, NewIdentity, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator, type PaxosEmulatorOptions } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { recordingLogger, type LogLine } from '../support/logging.js';

/** A running emulator, a service talking to it and every line the service and its connection logged. */
export interface Rig {
  readonly emulator: PaxosEmulator;
  readonly service: IdentityService;
  readonly lines: LogLine[];
}

/** Starts an emulator and a service on the Paxos adapter logging into a recorder. */
export async function startRig(
  options: PaxosEmulatorOptions = {},
  environment: 'sandbox' | 'production' = 'sandbox',
): Promise<Rig> {
  const emulator = await startPaxosEmulator(options);
  const logger = recordingLogger();
  const service = createIdentityService({
    adapter: 'paxos',
    logger,
    paxos: {
      environment,
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      logger,
    },
  });
  return { emulator, service, lines: logger.lines };
}

/** Everything a value shows anywhere: util.inspect (deep), JSON, String and, for errors, message and stack. */
export function everyRendering(value: unknown): string {
  const parts = [inspect(value, { depth: 20, showHidden: true, getters: true })];
  try {
    // JSON.stringify answers undefined for undefined and functions, whatever its declared type says.
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) parts.push(json);
  } catch {
    // A circular value cannot be JSON; inspect already showed it.
  }
  parts.push(String(value));
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  return parts.join('\n');
}

/** Every logged line, message and fields, as text. */
export function logText(lines: readonly LogLine[]): string {
  return lines.map((line) => `${line.level} ${line.message} ${inspect(line.fields, { depth: 20 })}`).join('\n');
}

/** Awaits `promise` and hands back what it rejected with; fails if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * A refused create as the error factory receives it: a POST of an identity whose ref_id and identity conflicted, with
 * `sensitive` the personal values the request carried (the ones the error it makes must not show).
 */
export function failedAnswer(
  status: number,
  problem: FailedAnswer['problem'],
  sensitive: readonly string[],
): FailedAnswer {
  return {
    endpoint: 'api',
    request: { method: 'POST', path: '/v2/identity/identities' },
    status,
    requestId: 'req-1',
    problem,
    attempts: 1,
    conflict: 'identity',
    refId: 'ref-1',
    sensitive,
  };
}

/** The IdentityValidationError `command` is refused with; fails if it is accepted or refused with anything else. */
export function refusal(command: unknown): IdentityValidationError {
  try {
    NewIdentity.create(command);
  } catch (error) {
    if (error instanceof IdentityValidationError) return error;
    throw error;
  }
  throw new Error('expected an IdentityValidationError');
}

/**
 * Approves a new person through `service` and answers with the `identity.approved` notification Paxos would deliver
 * for it, as JSON, and the id of its event: a delivery the webhook handler accepts, for cases about how the body
 * reaches it.
 */
export async function approvedNotification(service: IdentityService): Promise<{ json: string; eventId: string }> {
  const person = await service.createIdentity(aPerson().build());
  await service.setSandboxStatus(person.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  const [event] = (await service.listEventsPage({ type: 'identity.approved' })).items;
  if (event === undefined) throw new Error('an approval left no identity.approved event');
  const json = JSON.stringify({
    id: event.id,
    type: event.type,
    source: 'com.paxos',
    time: '2026-01-01T00:00:00Z',
    object: 'event',
    is_test: false,
  });
  return { json, eventId: event.id };
}
