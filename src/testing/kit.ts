import type { IdentityService } from '../application/index.js';
import { createIdentityService } from '../composition/create-identity-service.js';
import type { TOKENS } from '../composition/tokens.js';
import {
  IdentityServiceError,
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
   * @throws {IdentityNotFoundError} when the fake holds no such identity.
   */
  setSandboxStatus(identityId: string, change: SandboxStatusChange): Promise<Identity>;
  /**
   * Marks every verification of an identity APPROVED and answers it. It is APPROVED unless something else still
   * holds it: documents asked for and not uploaded, or (for an institution) a member not approved.
   */
  approve(identityId: string): Promise<Identity>;
  /** Fails an identity's sanctions screening and answers it, DENIED. */
  deny(identityId: string): Promise<Identity>;
  /**
   * Asks the identity for documents of these types (enhanced due diligence): they are pending until a file covering
   * them is uploaded, and an `identity.documents_required` event is recorded.
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
   * object store would) and hands every other request to the global `fetch`. Give it to code that takes a `fetch`.
   */
  readonly fetch: typeof fetch;
  /**
   * Replaces the global `fetch` with {@link TestKit.fetch} until {@link TestKit.dispose}, for code under test that
   * PUTs documents with the global `fetch`, as the README's upload does.
   */
  interceptFetch(): void;
  /** Puts back the global `fetch` if {@link TestKit.interceptFetch} replaced it. */
  dispose(): void;
}

const APPROVED: SandboxStatusChange = {
  idVerification: 'APPROVED',
  sanctionsVerification: 'APPROVED',
  documentVerification: 'APPROVED',
  additionalScreening: 'APPROVED',
};

const MEMORY_UPLOAD = 'memory://documents/';

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

  const setSandboxStatus = async (identityId: string, change: SandboxStatusChange): Promise<Identity> => {
    await identities.setSandboxStatus(identityId, change);
    return identities.get(identityId);
  };

  // The fetch in place when the kit was made: what the kit's fetch hands other URLs to, and what dispose restores.
  const original = globalThis.fetch;
  let intercepting = false;
  const kitFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(MEMORY_UPLOAD)) return original(input, init);
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
    requireDocuments: (identityId, documentTypes) => documents.requireDocuments(identityId, documentTypes),
    upload: (uploadUrl, bytes, contentType) => documents.upload(uploadUrl, bytes, contentType),
    fetch: kitFetch,
    interceptFetch: () => {
      globalThis.fetch = kitFetch;
      intercepting = true;
    },
    dispose: () => {
      // Another kit may have intercepted since: leave its fetch alone.
      if (intercepting && globalThis.fetch === kitFetch) globalThis.fetch = original;
      intercepting = false;
    },
  };
}
