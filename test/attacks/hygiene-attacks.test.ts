import { expect } from 'chai';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { errorFromAnswer } from '../../src/adapters/paxos/http/error-factory.js';
import { METADATA_LIMITS } from '../../src/domain/identity/metadata.js';
import { holdsSensitive, scrubServerText, scrubText } from '../../src/domain/shared/scrub.js';
import {
  createIdentityService,
  IdentityRejectedError,
  NewIdentity,
  WebhookPayloadError,
  type CreateIdentityCommand,
  type PaxosEvent,
} from '../../src/index.js';
import { startPaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { recordingLogger } from '../support/logging.js';
import { approvedNotification, everyRendering, failedAnswer, logText, refusal, rejection } from './support.js';

const SSN = '518-27-4930';
const DOB = '1961-03-14';
const PASSPORT = 'X1234567Z';
const MiB = 1024 * 1024;

/** Letters and digits only, folded to ASCII the way a reader folds them. */
const bare = (text: string) => text.normalize('NFKC').replace(/[^A-Za-z0-9]/g, '');

/** A person with this CIP id (a passport, for a foreign one) and date of birth. */
function personWith(cipId: string, foreign = false): CreateIdentityCommand {
  const builder = foreign ? aPerson().foreign().withoutTaxDetails() : aPerson();
  return builder.with({ cipId, dateOfBirth: DOB }).build();
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

describe('attacks: hygiene of scrubbing, caps and logs', () => {
  describe('a value spelled so that a byte-wise match misses it', () => {
    // Each spelling is what a server (or a proxy in front of it) could put in a Problem detail.
    const spellings: readonly [string, string][] = [
      ['no-break spaces', '518\u00a027\u00a04930'],
      ['en dashes', '518\u201327\u20134930'],
      ['zero-width spaces between every digit', '518274930'.split('').join('\u200b')],
      ['soft hyphens and word joiners', '518\u00ad27\u20604930'],
      ['full-width digits', '５１８-２７-４９３０'],
      ['full-width digits and hyphen', '５１８－２７－４９３０'],
      ['Arabic-Indic digits', '٥١٨-٢٧-٤٩٣٠'],
      ['mathematical bold digits', '𝟓𝟏𝟖-𝟐𝟕-𝟒𝟗𝟑𝟎'],
      ['decimal HTML references', '518&#45;27&#45;4930'],
      ['hex HTML references', '518&#x2d;27&#X2D;4930'],
      ['named HTML references', '518&ndash;27&nbsp;4930'],
      ['digits as HTML references', '&#53;&#49;&#56;-27-4930'],
      ['URL-encoded hyphens', '518%2D27%2D4930'],
      ['URL-encoded digits', '%35%31%38%32%37%34%39%33%30'],
      ['URL-encoded UTF-8 en dashes', '518%E2%80%9327%E2%80%934930'],
      ['URL-encoded bytes that are no UTF-8', '518%E2%8027%FF4930'],
      ['double URL encoding', '518%252D27%252D4930'],
      ['literal JSON escapes', '518\\u002d27\\u002d4930'],
      ['literal hex escapes', '518\\x2d27\\x2d4930'],
      ['runs of whitespace wider than three', '518    27\t\t\t\t4930'],
      ['tabs and new lines', '518\n\n\n\n27\r\n4930'],
    ];
    for (const [how, spelled] of spellings)
      it(`an SSN with ${how} is redacted from the 400's detail, message, JSON and inspect`, () => {
        const error = errorFromAnswer(failedAnswer(400, { detail: `cip_id ${spelled} is invalid` }, [SSN]));
        expect(error).to.be.instanceOf(IdentityRejectedError);
        expect(error).to.have.property('detail', 'cip_id [REDACTED] is invalid');
        const text = everyRendering(error);
        expect(bare(text)).not.to.include('518274930');
        expect(text).not.to.include(spelled);
      });

    it('a passport number in full-width letters, spaced, in any case', () => {
      expect(scrubText('passport ｘ１２３４５６７ｚ and X 1 2 3 4 5 6 7 Z', [PASSPORT])).to.equal(
        'passport [REDACTED] and [REDACTED]',
      );
    });

    it('a tax id shape not sent in this request is caught in full-width digits too', () => {
      expect(scrubText('stored ssn １２３-４５-６７８９')).to.equal('stored ssn [REDACTED]');
    });

    const dates: readonly [string, string][] = [
      ['an ISO date-time', '1961-03-14T00:00:00Z'],
      ['an ordinal day first', '14th March 1961'],
      ['an unpadded year-first slash date', '1961/3/14'],
      ['full-width digits', '１９６１-０３-１４'],
      ['HTML-escaped slashes', '03&#47;14&#47;1961'],
      ['URL-encoded slashes', '03%2F14%2F1961'],
    ];
    for (const [how, spelled] of dates)
      it(`a date of birth as ${how} is redacted`, () => {
        const out = scrubServerText(`date_of_birth ${spelled} is in the future`, [DOB]) ?? '';
        expect(out.startsWith('date_of_birth [REDACTED]'), out).to.equal(true);
        expect(bare(out)).not.to.include('1961');
      });

    it('plain text is shown as it was; escapes are shown decoded, since the decoded text is what was scanned', () => {
      const plain = 'limit 100 per 5 minutes; field 2 of 12; retry after 2026-01-02; code 4930';
      expect(scrubServerText(plain, [SSN, DOB])).to.equal(plain);
      expect(scrubServerText('a&amp;b %41 \\u0041 ｆｉｅｌｄ caf%C3%A9', [SSN])).to.equal('a&b A A field café');
      // An unknown reference or a code point that is no character stays as written.
      expect(scrubText('&bogus; &#xD800; &#99999999;')).to.equal('&bogus; &#xD800; &#99999999;');
    });

    it('holdsSensitive says whether a value was found, not whether the text changed when decoded', () => {
      expect(holdsSensitive('urn:paxos:bad%20request', [SSN])).to.equal(false);
      expect(holdsSensitive('urn:paxos:518%2D27%2D4930', [SSN])).to.equal(true);
    });
  });

  describe('a value cut at the end of the text read', () => {
    it('a long CIP id spelled wide, cut at the read window, shows no part of itself', () => {
      const cip = 'AB12CD34EF56GH78IJ90';
      const wide = cip.split('').join(' - ');
      // Whole copies fill most of the window (and shrink to [REDACTED] each); one copy straddles its end.
      const whole = `${wide} `.repeat(Math.floor(1150 / (wide.length + 1)));
      const detail = `${whole}${'.'.repeat(1200 - whole.length - 30)}${wide} and more text after it`;
      const out = scrubServerText(detail, [cip]) ?? '';
      expect(out.endsWith('…'), 'the text is marked as cut').to.equal(true);
      expect(bare(out)).not.to.include('AB12');
      expect(out).to.include('[REDACTED]');
    });
  });

  describe('a request id header that echoes a personal value', () => {
    let server: Server;
    let baseUrl: string;
    let requestId = '';

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          if (req.url?.endsWith('/token')) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ access_token: 'tok-1', token_type: 'bearer', expires_in: 3599 }));
            return;
          }
          res.writeHead(400, { 'content-type': 'application/problem+json', 'x-request-id': requestId });
          res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Request', detail: 'invalid request' }));
        });
      });
      baseUrl = await listen(server);
    });

    after(async () => {
      await close(server);
    });

    const cases: readonly [string, string, CreateIdentityCommand][] = [
      ['the SSN sent', SSN, personWith(SSN)],
      ['the passport number sent, in lower case', PASSPORT.toLowerCase(), personWith(PASSPORT, true)],
      ['the date of birth sent', '1961/03/14', personWith(PASSPORT, true)],
    ];
    for (const [what, header, command] of cases)
      it(`a request id holding ${what} reaches neither the error nor a log line`, async () => {
        requestId = header;
        const logger = recordingLogger();
        const service = createIdentityService({
          adapter: 'paxos',
          logger,
          paxos: {
            environment: 'sandbox',
            baseUrl,
            tokenUrl: `${baseUrl}/oauth2/token`,
            clientId: 'client',
            clientSecret: 'secret-value',
            logger,
          },
        });
        const error = await rejection(service.createIdentity(command));
        expect(error).to.be.instanceOf(IdentityRejectedError);
        expect(error).to.have.property('requestId', undefined);
        expect(everyRendering(error)).not.to.include(header);
        expect(logger.lines.length, 'the attempt was logged').to.be.greaterThan(0);
        expect(logText(logger.lines)).not.to.include(header);
      });

    it('an ordinary request id is kept', async () => {
      requestId = 'a1b2c3d4-0000-4000-8000-1234567890ab';
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: {
          environment: 'sandbox',
          baseUrl,
          tokenUrl: `${baseUrl}/oauth2/token`,
          clientId: 'c',
          clientSecret: 's',
        },
      });
      const error = await rejection(service.createIdentity(personWith(SSN)));
      expect(error).to.have.property('requestId', requestId);
    });
  });

  describe('every error the factory builds, with the value everywhere a server could put it', () => {
    const hostile = {
      type: 'urn:paxos:518%2D27%2D4930',
      title: `Bad ${SSN}`,
      detail: `SSN ５１８-２７-４９３０ born 14th March 1961`,
      meta: { existing: { id: '518274930', ref_id: SSN, nested: [{ ssn: SSN }] } },
    };
    for (const status of [400, 403, 404, 408, 409, 413, 422, 429, 500, 503])
      it(`status ${status}: nothing of the SSN or date of birth in inspect, JSON, message, stack or cause`, () => {
        const error = errorFromAnswer(failedAnswer(status, hostile, [SSN, DOB]));
        const wrapped = new IdentityRejectedError(undefined, { cause: error });
        for (const value of [error, wrapped]) {
          const text = everyRendering(value);
          expect(bare(text)).not.to.include('518274930');
          expect(text).not.to.match(/march\W*14|1961/i);
        }
      });
  });

  describe('a hostile detail of a megabyte', () => {
    it('is read only as far as the window: the answer is that of its first 1,200 characters', () => {
      const hostile = '5-1 8.2/7 4 9-3 0 '.repeat(60_000);
      expect(hostile.length).to.be.greaterThan(MiB);
      const head = hostile.slice(0, 1200);
      expect(scrubServerText(hostile, [SSN])).to.equal(scrubServerText(`${head}more`, [SSN]));
      expect((scrubServerText(hostile, [SSN]) ?? '').length).to.be.at.most(301);
    });
  });

  describe('metadata built to slip past the caps', () => {
    it('a Proxy that lists one key when counted and 20,000 when read is held to the one list', () => {
      let listings = 0;
      const many = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
      const map = new Proxy(
        {},
        {
          ownKeys: () => (listings++ === 0 ? ['k0'] : many),
          getOwnPropertyDescriptor: () => ({ value: 'v', enumerable: true, configurable: true, writable: true }),
          get: () => 'v',
        },
      );
      const identity = NewIdentity.create(aPerson().withCommand({ metadata: map }).build());
      expect(Object.keys(identity.metadata ?? {})).to.deep.equal(['k0']);
    });

    it('a getter that throws, a revoked Proxy and a throwing ownKeys are refused as unreadable', () => {
      const revocable = Proxy.revocable({}, {});
      revocable.revoke();
      const hostile: unknown[] = [
        Object.defineProperty({}, 'k', {
          enumerable: true,
          get() {
            throw new Error(`boom ${SSN}`);
          },
        }),
        revocable.proxy,
        new Proxy(
          {},
          {
            ownKeys() {
              throw new Error(SSN);
            },
          },
        ),
      ];
      for (const metadata of hostile) {
        const error = refusal(
          aPerson()
            .withCommand({ metadata: metadata as never })
            .build(),
        );
        expect(error.violations.map((v) => `${v.path}:${v.code}`)).to.deep.equal(['metadata:unreadable']);
        expect(everyRendering(error)).not.to.include('4930');
      }
    });

    it('symbol keys, a Map, a class instance, an array and object values are refused by type', () => {
      class Bag {
        readonly k = 'v';
      }
      const cases: [unknown, string][] = [
        [{ k: 'v', [Symbol('s')]: 'v' }, 'metadata:type'],
        [new Map([['k', 'v']]), 'metadata:type'],
        [new Bag(), 'metadata:type'],
        [['v'], 'metadata:type'],
        [{ k: { nested: 'v' } }, 'metadata[0]:type'],
        [{ k: ['v'] }, 'metadata[0]:type'],
        [{ k: new String('v') }, 'metadata[0]:type'],
      ];
      for (const [metadata, expected] of cases)
        expect(
          refusal(
            aPerson()
              .withCommand({ metadata: metadata as never })
              .build(),
          ).violations.map((v) => `${v.path}:${v.code}`),
        ).to.deep.equal([expected]);
    });

    it('__proto__, constructor and prototype keys from JSON are refused and pollute nothing', () => {
      for (const json of ['{"__proto__":{"polluted":"yes"}}', '{"constructor":"x"}', '{"prototype":"x"}']) {
        const metadata: unknown = JSON.parse(json);
        const error = refusal(
          aPerson()
            .withCommand({ metadata: metadata as never })
            .build(),
        );
        expect(error.violations.map((v) => v.code)).to.deep.equal(['forbidden']);
      }
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      // A map without a prototype is a plain map.
      const prototypeless = Object.assign(Object.create(null) as object, { k: 'v' }) as Record<string, string>;
      expect(NewIdentity.create(aPerson().withCommand({ metadata: prototypeless }).build()).metadata).to.deep.equal({
        k: 'v',
      });
    });

    it('the cap counts keys whose names are Object.prototype methods like any other', () => {
      const metadata: Record<string, string> = { toString: 'a', hasOwnProperty: 'b', valueOf: 'c' };
      const identity = NewIdentity.create(aPerson().withCommand({ metadata }).build());
      expect(identity.metadata).to.deep.equal(metadata);
      expect(METADATA_LIMITS.maxPairs).to.equal(10_000);
    });
  });

  describe('webhook bodies built to slip past the cap', () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const never = (): void => expect.fail('the handler ran');
    const sizeRefusal = (error: unknown) =>
      error instanceof WebhookPayloadError && error.field === 'body' && /larger than/.test(error.message);

    it('a chunked request with no content-length, over the cap, is refused and read no further', async () => {
      let received: Promise<unknown> = Promise.resolve();
      const server = createServer((req: IncomingMessage, res) => {
        received = rejection(service.handleWebhook(req, never, { maxBodyBytes: 64 * 1024 }));
        void received.then(() => res.end());
      });
      const url = await listen(server);
      try {
        let written = 0;
        await new Promise<void>((resolve) => {
          const client = httpRequest(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
          client.on('error', () => {
            resolve();
          });
          client.on('response', (res) => {
            res.resume();
            resolve();
          });
          const pump = () => {
            // Writes until the server stops reading (or 8 MiB, far past the cap); the socket then pushes back.
            while (written < 8 * MiB && client.write(Buffer.alloc(16 * 1024, 0x20))) written += 16 * 1024;
            if (written < 8 * MiB && !client.destroyed) client.once('drain', pump);
            else client.end();
          };
          pump();
          client.on('close', () => {
            resolve();
          });
        });
        expect(sizeRefusal(await received)).to.equal(true);
      } finally {
        await close(server);
      }
    });

    it('a content-length lying small: only the declared bytes are the body, the rest never reaches the handler', async () => {
      let seen = 0;
      let received: Promise<unknown> = Promise.resolve();
      const server = createServer((req, res) => {
        async function* counted(): AsyncGenerator<Buffer> {
          for await (const chunk of req as AsyncIterable<Buffer>) {
            seen += chunk.byteLength;
            yield chunk;
          }
        }
        received = rejection(service.handleWebhook(counted(), never));
        void received.then(() => res.end());
      });
      const url = new URL(await listen(server));
      try {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(url.port), '127.0.0.1', () => {
            socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n');
            socket.end(Buffer.alloc(2 * MiB, 0x20));
          });
          socket.on('error', () => {
            resolve();
          });
          socket.on('close', () => {
            resolve();
          });
          socket.resume();
        });
        const error = await received;
        expect(error).to.be.instanceOf(WebhookPayloadError);
        expect(sizeRefusal(error), 'refused as what it is, ten spaces').to.equal(false);
        expect(seen).to.equal(10);
      } finally {
        await close(server);
      }
    });

    it('a stream that errors part-way rejects with its error, and nothing is claimed or handled', async () => {
      const failure = new Error('socket hang up');
      const body = new Readable({
        read() {
          this.push('{"id":');
          this.destroy(failure);
        },
      });
      expect(await rejection(service.handleWebhook(body, never))).to.equal(failure);
    });

    it('a lone high surrogate before a three-byte character is counted as the six bytes it encodes to', async () => {
      // '\uD800€' encodes to EF BF BD E2 82 AC: 6 bytes, not 4.
      const body = '\uD800€'.repeat(20);
      expect(new TextEncoder().encode(body).byteLength).to.equal(120);
      expect(sizeRefusal(await rejection(service.handleWebhook(body, never, { maxBodyBytes: 100 })))).to.equal(true);
    });

    it('multi-byte characters at the cap: exactly the cap is read, one byte more is refused', async () => {
      const atCap = '€'.repeat(33) + 'x'; // 100 bytes
      const parsed = await rejection(service.handleWebhook(atCap, never, { maxBodyBytes: 100 }));
      expect(sizeRefusal(parsed), 'refused by the parser, not the cap').to.equal(false);
      expect(sizeRefusal(await rejection(service.handleWebhook(`${atCap}x`, never, { maxBodyBytes: 100 })))).to.equal(
        true,
      );
      // The same, split inside a character across chunks of a stream.
      const bytes = Buffer.from(`${atCap}x`);
      const split = Readable.from([bytes.subarray(0, 50), bytes.subarray(50)]);
      expect(sizeRefusal(await rejection(service.handleWebhook(split, never, { maxBodyBytes: 100 })))).to.equal(true);
    });

    it('a text chunk of 4 MiB is refused without being encoded', async () => {
      const encoded: number[] = [];
      // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below
      const original = TextEncoder.prototype.encode;
      TextEncoder.prototype.encode = function (this: InstanceType<typeof TextEncoder>, input?: string) {
        encoded.push(input?.length ?? 0);
        return original.call(this, input);
      };
      try {
        const error = await rejection(service.handleWebhook(Readable.from(['x'.repeat(4 * MiB)]), never));
        expect(sizeRefusal(error)).to.equal(true);
      } finally {
        TextEncoder.prototype.encode = original;
      }
      expect(encoded.filter((length) => length > MiB)).to.deep.equal([]);
    });

    it('a Uint8Array view is measured and read by its own bytes, not its buffer', async () => {
      const notification = await approvedNotification(service);
      const json = Buffer.from(notification.json);
      // A 2 MiB buffer holding the notification in its middle: the view is small, the buffer is over the cap.
      const buffer = Buffer.alloc(2 * MiB, 0x7b);
      json.copy(buffer, MiB);
      const view = new Uint8Array(buffer.buffer, buffer.byteOffset + MiB, json.byteLength);
      const handled: PaxosEvent[] = [];
      const outcome = await service.handleWebhook(view, (e) => {
        handled.push(e);
      });
      expect(outcome.status).to.equal('handled');
      expect(handled.map((e) => e.id)).to.deep.equal([notification.eventId]);
    });
  });

  describe('the emulator request log under traffic', () => {
    it('clearRequestLog while requests are in flight keeps only what started after it', async () => {
      const emulator = await startPaxosEmulator({ maxRequestLog: 4 });
      try {
        emulator.faults.inject({ kind: 'delay', ms: 50 }, { times: 6 });
        const before = Array.from({ length: 6 }, (_, i) =>
          fetch(`${emulator.baseUrl}/identity/identities/old-${i}`).then((r) => r.text()),
        );
        // Every one of them has arrived (and is logged) once the log and the dropped count account for six.
        while (emulator.requests.length + emulator.droppedRequests < 6)
          await new Promise((resolve) => setImmediate(resolve));
        expect([emulator.requests.length, emulator.droppedRequests]).to.deep.equal([4, 2]);
        emulator.clearRequestLog();
        await Promise.all(before);
        // Finishing after the clear, they do not come back.
        expect([emulator.requests.length, emulator.droppedRequests]).to.deep.equal([0, 0]);
        await Promise.all(
          Array.from({ length: 3 }, (_, i) =>
            fetch(`${emulator.baseUrl}/identity/identities/new-${i}`).then((r) => r.text()),
          ),
        );
        expect(emulator.requests.map((r) => r.path).sort()).to.deep.equal(
          [0, 1, 2].map((i) => `/v2/identity/identities/new-${i}`),
        );
        expect(emulator.requests.map((r) => r.status)).to.deep.equal([401, 401, 401]);
        expect(emulator.droppedRequests).to.equal(0);
      } finally {
        await emulator.close();
      }
    });
  });
});
