import { expect } from 'chai';
import { Readable } from 'node:stream';
import { METADATA_LIMITS } from '../../src/domain/identity/metadata.js';
import {
  createIdentityService,
  createWebhookHandler,
  IdentityValidationError,
  NewIdentity,
  WebhookPayloadError,
  type PaxosEvent,
} from '../../src/index.js';
import { startPaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { approvedNotification, refusal, rejection } from './support.js';

const MiB = 1024 * 1024;

/** How a metadata map was read: every trap a Proxy sees, counted. */
interface Reads {
  keyLists: number;
  values: number;
  descriptors: number;
}

/** A metadata map of `size` keys that answers every key list and counts each value or descriptor read. */
function countingMap(size: number): { map: object; reads: Reads } {
  const reads: Reads = { keyLists: 0, values: 0, descriptors: 0 };
  let keys: string[] | undefined;
  const map = new Proxy(
    {},
    {
      ownKeys() {
        reads.keyLists++;
        keys ??= Array.from({ length: size }, (_, i) => `k${i}`);
        return keys;
      },
      getOwnPropertyDescriptor(_, key) {
        reads.descriptors++;
        return { value: `v${String(key)}`, enumerable: true, configurable: true, writable: true };
      },
      get(_, key) {
        reads.values++;
        return `v${String(key)}`;
      },
    },
  );
  return { map, reads };
}

/** A body of `total` bytes, produced lazily in chunks of `chunk` bytes, counting what was pulled from it. */
function countingBody(total: number, chunk: number): { stream: Readable; pulled: () => number; ended: () => boolean } {
  let produced = 0;
  const stream = new Readable({
    highWaterMark: chunk,
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk, total - produced);
      produced += size;
      this.push(Buffer.alloc(size, 0x20));
    },
  });
  return { stream, pulled: () => produced, ended: () => stream.destroyed };
}

describe('attacks: resource edges', () => {
  describe('metadata caps, checked before any entry is read', () => {
    // A Proxy answers each key's descriptor from JS, which is slow; 10⁵ keys show the same as 10⁶ (ten times the cap).
    it('10⁵ metadata keys are refused at the count: the keys are listed once and not one value is read', () => {
      const { map, reads } = countingMap(100_000);
      const error = refusal(
        aPerson()
          .withCommand({ metadata: map as never })
          .build(),
      );
      expect(error.violations).to.deep.equal([
        { path: 'metadata', code: 'max_items', message: `metadata: has more than ${METADATA_LIMITS.maxPairs} keys` },
      ]);
      expect([reads.keyLists, reads.values]).to.deep.equal([1, 0]);
    });

    it('a plain object of 10⁶ keys is refused with one violation naming metadata, through the service', async () => {
      const metadata: Record<string, string> = {};
      for (let i = 0; i < 1_000_000; i++) metadata[`k${i}`] = 'v';
      const service = createIdentityService({ adapter: 'in-memory' });
      const error = await rejection(service.createIdentity(aPerson().withCommand({ metadata }).build()));
      expect(error).to.be.instanceOf(IdentityValidationError);
      expect((error as IdentityValidationError).violations.map((v) => `${v.path}:${v.code}`)).to.deep.equal([
        'metadata:max_items',
      ]);
    });

    it('an update carrying 10⁵ metadata keys is refused the same way, nothing read and nothing changed', async () => {
      const service = createIdentityService({ adapter: 'in-memory' });
      const identity = await service.createIdentity(aPerson().build());
      const { map, reads } = countingMap(100_000);
      const error = await rejection(service.updateIdentity(identity.id, { metadata: map as never }));
      expect(error).to.be.instanceOf(IdentityValidationError);
      expect((error as IdentityValidationError).violations.map((v) => `${v.path}:${v.code}`)).to.deep.equal([
        'metadata:max_items',
      ]);
      expect(reads.values).to.equal(0);
      expect((await service.getIdentity(identity.id)).metadata).to.deep.equal({});
    });

    it('the cap itself is accepted, one more is refused', () => {
      const { map: atCap, reads } = countingMap(METADATA_LIMITS.maxPairs);
      const accepted = NewIdentity.create(
        aPerson()
          .withCommand({ metadata: atCap as never })
          .build(),
      );
      expect(Object.keys(accepted.metadata ?? {})).to.have.length(METADATA_LIMITS.maxPairs);
      expect(reads.values).to.equal(METADATA_LIMITS.maxPairs);
      const { map: over } = countingMap(METADATA_LIMITS.maxPairs + 1);
      expect(
        refusal(
          aPerson()
            .withCommand({ metadata: over as never })
            .build(),
        ).violations[0]?.code,
      ).to.equal('max_items');
    });

    it('a key or a value past its cap is refused by position, never by key', () => {
      const longKey = `518-27-4930${'k'.repeat(METADATA_LIMITS.maxKeyLength)}`;
      const error = refusal(
        aPerson()
          .withCommand({
            metadata: { ok: 'v', [longKey]: 'v', big: 'x'.repeat(METADATA_LIMITS.maxValueLength + 1) },
          })
          .build(),
      );
      expect(error.violations.map((v) => `${v.path}:${v.code}`)).to.deep.equal([
        'metadata[1]:max_length',
        'metadata[2]:max_length',
      ]);
      expect(error.message).not.to.include('518-27-4930').and.not.include('big');
      const atCaps = { ['k'.repeat(METADATA_LIMITS.maxKeyLength)]: 'x'.repeat(METADATA_LIMITS.maxValueLength) };
      expect(NewIdentity.create(aPerson().withCommand({ metadata: atCaps }).build()).metadata).to.deep.equal(atCaps);
    });
  });

  describe('webhook body cap', () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const never = (): void => expect.fail('the handler ran');

    it('a 50 MB streamed body is refused having pulled at most the cap and one chunk, and the stream is released', async () => {
      const chunk = 64 * 1024;
      const body = countingBody(50 * 1000 * 1000, chunk);
      const error = await rejection(service.handleWebhook(body.stream, never));
      expect(error).to.be.instanceOf(WebhookPayloadError);
      expect((error as WebhookPayloadError).field).to.equal('body');
      expect((error as Error).message).to.equal(`Invalid webhook payload: body: is larger than ${MiB} bytes`);
      // The stream reads ahead up to its high-water mark: one more chunk than the loop consumed.
      expect(body.pulled()).to.be.at.most(MiB + 2 * chunk);
      expect(body.ended(), 'the source was destroyed').to.equal(true);
    });

    it('createWebhookHandler takes the cap as an option; a string or bytes over it are refused before parsing', async () => {
      const onWebhook = createWebhookHandler(service, { onEvent: never, maxBodyBytes: 100 });
      // Valid JSON of a notification, padded: it is the size that is refused, not the content.
      const padded = `{"id":"00000000-0000-4000-8000-000000000001"}${' '.repeat(100)}`;
      for (const body of [padded, new TextEncoder().encode(padded), Readable.from([padded])]) {
        const error = await rejection(onWebhook(body));
        expect((error as WebhookPayloadError).field, typeof body).to.equal('body');
      }
      // Multi-byte characters count as bytes: 40 × 3 bytes is over 100 though the string is 40 long.
      expect(((await rejection(onWebhook('€'.repeat(40)))) as WebhookPayloadError).field).to.equal('body');
      // Under the cap, the same body goes on to the parser (and is refused there for what it lacks).
      const parsed = (await rejection(onWebhook('{"id": 42}'))) as WebhookPayloadError;
      expect(parsed.field).not.to.equal('body');
    });

    it('a delivery within the default cap is handled from a stream as from a string', async () => {
      const { json: body, eventId } = await approvedNotification(service);
      const handled: PaxosEvent[] = [];
      const outcome = await service.handleWebhook(
        Readable.from([body.slice(0, 10), Buffer.from(body.slice(10))]),
        (e) => {
          handled.push(e);
        },
      );
      expect(outcome.status).to.equal('handled');
      expect(handled.map((e) => e.id)).to.deep.equal([eventId]);
    });

    it('a cap that is not a positive integer is a RangeError', async () => {
      for (const maxBodyBytes of [0, -1, 1.5, Number.NaN])
        expect(await rejection(service.handleWebhook('{}', never, { maxBodyBytes }))).to.be.instanceOf(RangeError);
    });
  });

  describe('emulator request log', () => {
    it('keeps the newest maxRequestLog requests and counts the ones it dropped', async () => {
      const emulator = await startPaxosEmulator({ maxRequestLog: 5 });
      try {
        for (let i = 0; i < 8; i++) await (await fetch(`${emulator.baseUrl}/identity/identities/id-${i}`)).text();
        expect(emulator.requests.map((r) => r.path)).to.deep.equal(
          [3, 4, 5, 6, 7].map((i) => `/v2/identity/identities/id-${i}`),
        );
        expect(emulator.requests.every((r) => r.status === 401)).to.equal(true);
        expect(emulator.droppedRequests).to.equal(3);
        emulator.clearRequestLog();
        expect([emulator.requests.length, emulator.droppedRequests]).to.deep.equal([0, 0]);
        await (await fetch(`${emulator.baseUrl}/identity/identities/again`)).text();
        expect(emulator.requests.map((r) => r.path)).to.deep.equal(['/v2/identity/identities/again']);
      } finally {
        await emulator.close();
      }
    });

    it('by default holds 10,000 requests: 10,000 + 25 requests leave 10,000 and 25 dropped', async () => {
      const emulator = await startPaxosEmulator();
      try {
        const total = 10_025;
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < total) {
            const i = next++;
            await (await fetch(`${emulator.baseUrl}/identity/identities/id-${i}`)).text();
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        expect(emulator.requests).to.have.length(10_000);
        expect(emulator.droppedRequests).to.equal(25);
      } finally {
        await emulator.close();
      }
    });

    it('a log bound that is not a positive integer is a RangeError', async () => {
      for (const maxRequestLog of [0, -1, 2.5])
        expect(await rejection(startPaxosEmulator({ maxRequestLog }))).to.be.instanceOf(RangeError);
    });
  });
});
