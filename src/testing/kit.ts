import type { IdentityService } from '../application/index.js';
import { createIdentityService } from '../composition/create-identity-service.js';
import type { TOKENS } from '../composition/tokens.js';
import { DOCUMENT_TYPES } from '../domain/identity/enums.js';
import { readArray, readEnum } from '../domain/shared/guard.js';
import {
  IdentityServiceError,
  IdentityValidationError,
  parseIdentityId,
  parseSandboxStatusChange,
  ViolationList,
  type Identity,
  type IdentityRules,
  type PaxosEvent,
  type SandboxStatusChange,
} from '../domain/index.js';
import type { Clock, IdGenerator, Logger } from '../ports/index.js';
import { InMemoryAccountGateway } from '../adapters/in-memory/in-memory-account-gateway.js';
import {
  InMemoryIdentityControlGateway,
  InMemoryKycRefreshGateway,
} from '../adapters/in-memory/in-memory-control-gateway.js';
import { InMemoryDocumentGateway } from '../adapters/in-memory/in-memory-document-gateway.js';
import { InMemoryEventGateway } from '../adapters/in-memory/in-memory-event-gateway.js';
import { InMemoryIdentityGateway } from '../adapters/in-memory/in-memory-identity-gateway.js';
import { InMemoryMemberGateway } from '../adapters/in-memory/in-memory-member-gateway.js';
import { PaxosSimulator } from '../adapters/in-memory/simulation/paxos-simulator.js';

/**
 * A clock that moves only when the test moves it: the fake's timestamps, the "not in the future" rules and KYC
 * refresh windows read it.
 *
 * @example
 * ```ts
 * const clock = new TestClock('2026-01-01T00:00:00Z');
 * clock.advance(24 * 60 * 60 * 1000); // a day later
 * ```
 */
export class TestClock implements Clock {
  #now: number;

  /** @param start the time it shows until moved; default the wall time now. */
  constructor(start: Date | string = new Date()) {
    this.#now = TestClock.#parse(start, 'start');
  }

  /** The time it shows. */
  now(): Date {
    return new Date(this.#now);
  }

  /**
   * Moves the clock forward by `ms` milliseconds.
   *
   * @throws {RangeError} when `ms` is not a finite number of zero or more.
   */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError('ms must be a finite number of milliseconds, zero or more');
    }
    this.#now += ms;
  }

  /**
   * Sets the time it shows, forward or back.
   *
   * @throws {RangeError} when `to` is not a valid date.
   */
  set(to: Date | string): void {
    this.#now = TestClock.#parse(to, 'to');
  }

  static #parse(value: Date | string, name: string): number {
    const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(time)) throw new RangeError(`${name} must be a Date or an ISO 8601 date-time`);
    return time;
  }
}

/** Options of {@link createTestKit}. */
export interface TestKitOptions {
  /** Where the kit's {@link TestClock} starts. Default: the wall time when the kit is made. */
  readonly now?: Date | string;
  /** The rule profiles of the service, as `createIdentityService`'s `rules`. */
  readonly rules?: IdentityRules;
  /** Where the service's advisory warnings go, as `createIdentityService`'s `logger`. */
  readonly logger?: Logger;
  /** Source of the `refId`s the service generates. Default: random UUID v4. */
  readonly idGenerator?: IdGenerator;
  /** The API user the fake acts as; identities are unique per API user. Default: `'in-memory'`. */
  readonly clientId?: string;
}

/**
 * The in-memory gateways of a kit, by the name of the `TOKENS` entry each stands for: rebind each of them in a
 * container of your own so that nothing is left bound to Paxos.
 */
export interface TestKitGateways {
  /** Identities: create, get, list, update and the sandbox status. */
  readonly IdentityGateway: InMemoryIdentityGateway;
  /** Members of institutions. */
  readonly InstitutionMemberGateway: InMemoryMemberGateway;
  /** Document upload slots and files. */
  readonly DocumentGateway: InMemoryDocumentGateway;
  /** The events Paxos records. */
  readonly EventGateway: InMemoryEventGateway;
  /** Accounts and their members. */
  readonly AccountGateway: InMemoryAccountGateway;
  /** Identity controls. */
  readonly IdentityControlGateway: InMemoryIdentityControlGateway;
  /** KYC refreshes. */
  readonly KycRefreshGateway: InMemoryKycRefreshGateway;
}

/** The names of the gateway tokens: a gateway added to `TOKENS` without a fake in the kit fails to compile. */
type GatewayTokenName = Extract<keyof typeof TOKENS, `${string}Gateway`>;

/** What {@link createTestKit} hands a test: the service under test and every control of the fake behind it. */
export interface TestKit {
  /** An {@link IdentityService} on the in-memory fake, as `createIdentityService({ adapter: 'in-memory' })` builds. */
  readonly service: IdentityService;
  /** The time the fake and the service see; move it with `advance` or `set`. */
  readonly clock: TestClock;
  /** The simulated Paxos that holds the kit's state. */
  readonly simulator: PaxosSimulator;
  /** The in-memory gateways over that state, by the `TOKENS` name each stands for. */
  readonly gateways: TestKitGateways;
  /** The fake identity gateway (also `gateways.IdentityGateway`). */
  readonly identities: InMemoryIdentityGateway;
  /** The fake document gateway, with `upload` and `requireDocuments` (also `gateways.DocumentGateway`). */
  readonly documents: InMemoryDocumentGateway;
  /** The fake event gateway, with `recordEvent` (also `gateways.EventGateway`). */
  readonly events: InMemoryEventGateway;
  /** The fake control gateway, with `setByPaxos` (also `gateways.IdentityControlGateway`). */
  readonly controls: InMemoryIdentityControlGateway;
  /**
   * Sets an identity's verification sub-statuses, as Paxos's sandbox does; the summary status follows.
   *
   * @throws {IdentityValidationError} naming `identityId`, or each bad field as `change.<field>`.
   * @throws {IdentityNotFoundError} when the fake holds no such identity.
   */
  setSandboxStatus(identityId: string, change: SandboxStatusChange): Promise<Identity>;
  /**
   * Marks every verification of an identity APPROVED and answers it. It is APPROVED unless something else still
   * holds it: documents asked for and not uploaded, or (for an institution) a member not approved.
   *
   * @throws {IdentityValidationError} with path `identityId` when it is not an identity id.
   * @throws {IdentityNotFoundError} when the fake holds no such identity.
   */
  approve(identityId: string): Promise<Identity>;
  /**
   * Fails an identity's sanctions screening and answers it, DENIED.
   *
   * @throws {IdentityValidationError} with path `identityId` when it is not an identity id.
   * @throws {IdentityNotFoundError} when the fake holds no such identity.
   */
  deny(identityId: string): Promise<Identity>;
  /**
   * Asks the identity for documents of these types (enhanced due diligence): they are pending until a file covering
   * them is uploaded, and an `identity.documents_required` event is recorded. A type outside Paxos's published list
   * is accepted, as Paxos adds types over time.
   *
   * @throws {IdentityValidationError} naming `identityId` or `documentTypes` (not an array of one or more strings).
   * @throws {IdentityNotFoundError} when the fake holds no such identity.
   */
  requireDocuments(identityId: string, documentTypes: readonly string[]): Promise<PaxosEvent>;
  /**
   * What a PUT of the bytes to an upload URL of the fake does (`memory://documents/…`): stores the file.
   *
   * @throws {IdentityValidationError} with path `file` for a URL the fake did not hand out, a file of 100 MB or more,
   * or one that is not a PDF, JPG or PNG.
   */
  upload(uploadUrl: string, bytes: Uint8Array, contentType?: string): Promise<void>;
  /**
   * A `fetch` that performs a PUT to the fake's `memory://` upload URLs (answering 200, or 400, 403 or 413 as an
   * object store would) and hands every other request to the global `fetch` (the one beneath every kit's
   * interception). Give it to code that takes a `fetch`.
   */
  readonly fetch: typeof fetch;
  /**
   * Replaces the global `fetch` with {@link TestKit.fetch} until {@link TestKit.dispose}, for code under test that
   * PUTs documents with the global `fetch`, as the README's upload does. Calling it again changes nothing. Kits
   * intercept in turn: the latest one's `fetch` is the global one, and disposing it gives the global `fetch` back
   * to the one before, or to the `fetch` that was in place before any kit intercepted.
   */
  interceptFetch(): void;
  /**
   * Ends this kit's interception of the global `fetch`, if any: safe to call twice, without an interception, or in
   * any order among several kits.
   */
  dispose(): void;
}

const APPROVED: SandboxStatusChange = {
  idVerification: 'APPROVED',
  sanctionsVerification: 'APPROVED',
  documentVerification: 'APPROVED',
  additionalScreening: 'APPROVED',
};

const MEMORY_UPLOAD = 'memory://documents/';

// The kits intercepting the global fetch, the latest last, and the fetch in place before the first of them: shared
// by every kit, so that disposing them in any order never leaves the fetch of a disposed kit as the global one.
const intercepting: (typeof fetch)[] = [];
let beneath: typeof fetch | undefined;

/** The fetch that requests a kit does not handle go to: never a kit's own, so that no request loops between kits. */
function fetchBeneath(): typeof fetch {
  return beneath ?? globalThis.fetch;
}

function intercept(kitFetch: typeof fetch): void {
  if (intercepting.includes(kitFetch)) return;
  if (intercepting.length === 0) beneath = globalThis.fetch;
  intercepting.push(kitFetch);
  globalThis.fetch = kitFetch;
}

function release(kitFetch: typeof fetch): void {
  const at = intercepting.indexOf(kitFetch);
  if (at < 0) return;
  intercepting.splice(at, 1);
  // Someone else's fetch installed since is theirs to put back; a kit's own is replaced by the one before it.
  if (globalThis.fetch === kitFetch) globalThis.fetch = intercepting.at(-1) ?? beneath ?? globalThis.fetch;
  if (intercepting.length === 0) beneath = undefined;
}

/** The violations of a check of `value`, re-rooted under `root` (the kit's parameter), as a typed error. */
function underParameter(root: string, error: IdentityValidationError): IdentityValidationError {
  return new IdentityValidationError(
    error.violations.map((v) => {
      const path = v.path === '' ? root : `${root}.${v.path}`;
      const text = v.message.slice(v.message.indexOf(': ') + 2);
      return { path, code: v.code, message: `${path}: ${text}` };
    }),
  );
}

function checkedChange(change: unknown): SandboxStatusChange {
  try {
    return parseSandboxStatusChange(change);
  } catch (error) {
    throw error instanceof IdentityValidationError ? underParameter('change', error) : error;
  }
}

function checkedDocumentTypes(documentTypes: unknown): string[] {
  const v = new ViolationList();
  const types = readArray(v, 'documentTypes', documentTypes, { required: true, minItems: 1 }, (path, item) =>
    readEnum(v, path, item, DOCUMENT_TYPES, true, true),
  );
  if (!v.isEmpty || types === undefined) throw new IdentityValidationError(v.items);
  return types;
}

/**
 * Everything a test needs from the in-memory fake in one call: the service, and the fake's controls (sandbox status,
 * document uploads, events, time) over the same state.
 *
 * @example
 * ```ts
 * import { createTestKit } from 'paxos-identity/testing';
 *
 * const kit = createTestKit({ now: '2026-01-01T00:00:00Z' });
 * const identity = await kit.service.createIdentity(command);
 * await kit.approve(identity.id);
 * const { uploadUrl } = await kit.service.requestDocumentUpload(identity.id, { name: 'a.pdf', documentTypes: ['PROOF_OF_FUNDS'] });
 * await kit.fetch(uploadUrl, { method: 'PUT', body: pdfBytes, headers: { 'content-type': 'application/pdf' } });
 * kit.clock.advance(60_000);
 * ```
 *
 * @throws {RangeError} when `now` is not a valid date.
 * @throws {TypeError} when `rules` names an unknown rule or choice.
 */
export function createTestKit(options: TestKitOptions = {}): TestKit {
  const clock = new TestClock(options.now);
  const simulator = new PaxosSimulator({ clock });
  const clientId = options.clientId;
  const shared = { simulator, ...(clientId !== undefined && { clientId }) };
  const gateways: TestKitGateways = {
    IdentityGateway: new InMemoryIdentityGateway(shared),
    InstitutionMemberGateway: new InMemoryMemberGateway(shared),
    DocumentGateway: new InMemoryDocumentGateway(shared),
    EventGateway: new InMemoryEventGateway(shared),
    AccountGateway: new InMemoryAccountGateway(shared),
    IdentityControlGateway: new InMemoryIdentityControlGateway(shared),
    KycRefreshGateway: new InMemoryKycRefreshGateway(shared),
  } satisfies Record<GatewayTokenName, object>;
  const service = createIdentityService({
    adapter: 'in-memory',
    clock,
    inMemory: shared,
    ...(options.rules !== undefined && { rules: options.rules }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.idGenerator !== undefined && { idGenerator: options.idGenerator }),
  });
  const identities = gateways.IdentityGateway;
  const documents = gateways.DocumentGateway;

  // The fake's gateway trusts its caller; a test's typo must fail here as the service would fail it, naming the field.
  const setSandboxStatus = async (identityId: string, change: SandboxStatusChange): Promise<Identity> => {
    const id = parseIdentityId(identityId, 'identityId');
    await identities.setSandboxStatus(id, checkedChange(change));
    return identities.get(id);
  };

  const kitFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(MEMORY_UPLOAD)) return fetchBeneath()(input, init);
    const request = new Request(input, init);
    if (request.method !== 'PUT') return new Response(null, { status: 405, headers: { allow: 'PUT' } });
    const bytes = new Uint8Array(await request.arrayBuffer());
    try {
      await documents.upload(url, bytes, request.headers.get('content-type') ?? undefined);
      return new Response(null, { status: 200 });
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (!(error instanceof IdentityServiceError) || typeof status !== 'number') throw error;
      return new Response(error.message, { status, headers: { 'content-type': 'text/plain' } });
    }
  };

  return {
    service,
    clock,
    simulator,
    gateways,
    identities,
    documents,
    events: gateways.EventGateway,
    controls: gateways.IdentityControlGateway,
    setSandboxStatus,
    approve: (identityId) => setSandboxStatus(identityId, APPROVED),
    deny: (identityId) => setSandboxStatus(identityId, { sanctionsVerification: 'DENIED' }),
    requireDocuments: async (identityId, documentTypes) =>
      documents.requireDocuments(parseIdentityId(identityId, 'identityId'), checkedDocumentTypes(documentTypes)),
    upload: (uploadUrl, bytes, contentType) => documents.upload(uploadUrl, bytes, contentType),
    fetch: kitFetch,
    interceptFetch: () => {
      intercept(kitFetch);
    },
    dispose: () => {
      release(kitFetch);
    },
  };
}
