import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { IdentityServiceError, PaxosResponseError, PaxosServerError, type IdentityService } from '../../src/index.js';
import {
  CapturingLogger,
  expectNoSecretsIn,
  expectNoSecretsInLogs,
  json,
  ScriptedPaxos,
  serviceFor,
  wireIdentity,
  type Script,
} from '../adapters/paxos/support.js';

const GET = 'GET /v2/identity/identities/{id}';

/** Writes `text` as is, with the given status and headers. */
function raw(status: number, text: string | Buffer, headers: Record<string, string | number> = {}): Script {
  return (_request, res) => {
    res.writeHead(status, headers);
    res.end(text);
  };
}

/** Streams `total` bytes of a JSON string without a content-length, counting what the socket accepted before it closed. */
function endless(total: number, sent: { bytes: number; closed: boolean }): Script {
  return (_request, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"x","pad":"');
    const chunk = Buffer.alloc(16 * 1024, 'a');
    res.on('close', () => {
      sent.closed = true;
    });
    const pump = () => {
      while (sent.bytes < total && !res.destroyed) {
        sent.bytes += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  };
}

describe('hostile responses: each a typed error, none a crash, no prototype pollution', function () {
  this.timeout(20_000);
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;
  let service: IdentityService;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
    service = serviceFor(paxos, logger, { rateLimit: false, maxRetries: 1 });
  });

  afterEach(async () => {
    expectNoSecretsInLogs(logger);
    await paxos.close();
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect((Object.prototype as unknown as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  async function failure(script: Script, id = 'abc'): Promise<IdentityServiceError> {
    paxos.script(GET, script, script);
    const outcome = await service.getIdentity(id).then(
      () => expect.fail('expected a typed error'),
      (error: unknown) => error,
    );
    expect(outcome).to.be.instanceOf(IdentityServiceError);
    expectNoSecretsIn(outcome);
    return outcome as IdentityServiceError;
  }

  it('a body over the default 1 MiB cap with a content-length is refused before it is read', async () => {
    const big = JSON.stringify(wireIdentity('abc', { pad: 'x'.repeat(2 * 1024 * 1024) }));
    const error = await failure(
      raw(200, big, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }),
    );
    expect(error).to.be.instanceOf(PaxosResponseError);
    expect(error.message).to.include('larger than 1048576 bytes');
  });

  it('a streamed body without a content-length is counted and cut off near the cap, not buffered to its end', async () => {
    const sent = { bytes: 0, closed: false };
    const error = await failure(endless(64 * 1024 * 1024, sent));
    expect(error).to.be.instanceOf(PaxosResponseError);
    expect(error.message).to.include('cut off');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent.closed).to.equal(true);
    expect(sent.bytes, 'bytes the server got to send').to.be.below(16 * 1024 * 1024);
  });

  it('the cap is configurable', async () => {
    const small = serviceFor(paxos, logger, { rateLimit: false, maxResponseBytes: 4096 });
    const body = JSON.stringify(wireIdentity('abc', { metadata: { pad: 'x'.repeat(5000) } }));
    paxos.script(GET, raw(200, body, { 'content-type': 'application/json' }));
    const error = await small.getIdentity('abc').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PaxosResponseError);
    paxos.script(GET, (_r, res) => {
      json(res, 200, wireIdentity('abc'));
    });
    expect((await small.getIdentity('abc')).id).to.equal('abc');
  });

  it('an HTML page with 200 is not an identity', async () => {
    const error = await failure(
      raw(200, '<html><body>Welcome to the captive portal</body></html>', {
        'content-type': 'text/html; charset=utf-8',
      }),
    );
    expect(error).to.be.instanceOf(PaxosResponseError);
    expect(error.message).to.include('content type text/html, not JSON');
  });

  it('JSON with a wrong content type, or none, is refused', async () => {
    const body = JSON.stringify(wireIdentity('abc'));
    expect(await failure(raw(200, body, { 'content-type': 'text/plain' }))).to.be.instanceOf(PaxosResponseError);
    expect(await failure(raw(200, body))).to.be.instanceOf(PaxosResponseError);
  });

  it('a plain-text or HTML error page from a proxy is still the status it carries', async () => {
    expect(await failure(raw(503, 'Service Unavailable', { 'content-type': 'text/plain' }))).to.be.instanceOf(
      PaxosServerError,
    );
    const error = await failure(raw(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }));
    expect(error).to.be.instanceOf(PaxosServerError);
    expect((error as { status?: unknown }).status).to.equal(502);
  });

  it('wrong JSON types, a missing id, a top-level array, null or a string are each PaxosResponseError', async () => {
    for (const body of [
      wireIdentity('abc', { id: 123 }),
      wireIdentity('abc', { id: undefined }),
      wireIdentity('abc', { person_details: 'John' }),
      wireIdentity('abc', { tax_details: { tax_payer_id: 'x' } }),
      wireIdentity('abc', { created_at: 17 }),
      [wireIdentity('abc')],
      null,
      'an identity',
      42,
    ]) {
      const error = await failure((_r, res) => {
        json(res, 200, body);
      });
      expect(error, JSON.stringify(body).slice(0, 80)).to.be.instanceOf(PaxosResponseError);
    }
  });

  it('truncated JSON and invalid UTF-8 are PaxosResponseError, never a bare SyntaxError', async () => {
    const text = JSON.stringify(wireIdentity('abc'));
    expect(
      await failure(raw(200, text.slice(0, text.length / 2), { 'content-type': 'application/json' })),
    ).to.be.instanceOf(PaxosResponseError);
    expect(
      await failure(raw(200, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { 'content-type': 'application/json' })),
    ).to.be.instanceOf(PaxosResponseError);
  });

  it('__proto__ and constructor keys anywhere neither pollute Object.prototype nor crash', async () => {
    const identity = JSON.stringify(wireIdentity('abc', { metadata: { ok: 'yes' } }));
    const hostile = [
      identity.replace('{', '{"__proto__":{"polluted":"yes"},'),
      identity.replace(
        '"metadata":{',
        '"metadata":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},',
      ),
      identity.replace(
        '"person_details":{',
        '"person_details":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},',
      ),
      identity.replace('"tax_details":[{', '"tax_details":[{"__proto__":{"polluted":"yes"},'),
    ];
    for (const text of hostile) {
      paxos.script(GET, raw(200, text, { 'content-type': 'application/json' }));
      const outcome = await service.getIdentity('abc').catch((error: unknown) => error);
      if (outcome instanceof Error) expect(outcome).to.be.instanceOf(PaxosResponseError);
      else expect((outcome as { id: string }).id).to.equal('abc');
      expectNoSecretsIn(outcome instanceof Error ? outcome : undefined);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    }
  });

  it('an enormous array under the cap is a typed error or an identity, not a crash or a hang', async () => {
    const taxDetails = Array.from({ length: 20_000 }, () => ({
      tax_payer_country: 'USA',
      tax_payer_id: '123-45-6789',
    }));
    paxos.script(GET, (_r, res) => {
      json(res, 200, wireIdentity('abc', { tax_details: taxDetails }));
    });
    const outcome = await service.getIdentity('abc').catch((error: unknown) => error);
    if (outcome instanceof Error) expect(outcome).to.be.instanceOf(IdentityServiceError);
    else expect((outcome as { id: string }).id).to.equal('abc');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const error = await failure(raw(200, deep, { 'content-type': 'application/json' }));
    expect(error).to.be.instanceOf(PaxosResponseError);
  });

  it('unknown fields and unknown enum values are still accepted', async () => {
    paxos.script(GET, (_r, res) => {
      json(res, 200, {
        ...wireIdentity('abc'),
        brand_new_field: { nested: true },
        summary_status: 'UNDER_REVIEW',
        person_details: {
          ...(wireIdentity('abc')['person_details'] as object),
          id_verification_status: 'ESCALATED',
          future_flag: 1,
        },
      });
    });
    const identity = await service.getIdentity('abc');
    expect(identity.id).to.equal('abc');
    expect(String(identity.summaryStatus)).to.equal('UNDER_REVIEW');
  });
});
