/**
 * The same create sent by each client under comparison, against one server speaking Paxos's wire format: a bare
 * fetch, ky alone (its defaults, then the options the Paxos adapter uses), openai-node, stripe-node, and the service.
 * Each client authenticates as it would (a bearer token, an API key); each reads and parses the answer.
 */
import ky from 'ky';
import OpenAI from 'openai';
import Stripe from 'stripe';
import { command, wireBody } from './lib.js';

/** Where the clients send their creates, and the credentials the server accepts. */
export interface Target {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** One client's create, ready to call. */
export type Create = () => Promise<unknown>;

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * Each client's create against `target`; `token` is a bearer token the server accepts. `sent` is the command the
 * service sends: the one the server's fixed answer was made from, since the service checks that an answer echoes it.
 */
export async function clientsFor(target: Target, token: string, sent: object): Promise<Record<string, Create>> {
  const { createIdentityService } = await import('../dist/index.js');
  const url = `${target.baseUrl}/identity/identities`;
  const headers = { ...JSON_HEADERS, authorization: `Bearer ${token}` };
  const service = createIdentityService({
    adapter: 'paxos',
    paxos: { environment: 'sandbox', ...target, rateLimit: false },
  });
  // The options the adapter gives ky (src/adapters/paxos/http/ky.ts), and the attempt's budget as ky's timeout.
  const adapterKy = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, redirect: 'manual', headers });
  const openai = new OpenAI({ apiKey: token, baseURL: target.baseUrl, maxRetries: 0 });
  const origin = new URL(target.baseUrl);
  const stripe = new Stripe('sk_test_bench', {
    host: origin.hostname,
    port: Number(origin.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
  const check = (status: number): void => {
    if (status !== 200 && status !== 201) throw new Error(`answered ${status}`);
  };
  return {
    bare: async () => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(wireBody()) });
      check(response.status);
      return JSON.parse(await response.text()) as unknown;
    },
    ky: () => ky.post(url, { headers, body: JSON.stringify(wireBody()), retry: 0 }).json(),
    kyAdapterOptions: async () => {
      const response = await adapterKy(url, {
        method: 'POST',
        body: JSON.stringify(wireBody()),
        timeout: 10_000,
      });
      check(response.status);
      return JSON.parse(await response.text()) as unknown;
    },
    openai: () => openai.post('/identity/identities', { body: wireBody() }),
    stripe: () => stripe.customers.create({ email: 'example@somemail.org', metadata: { ref: wireBody().ref_id } }),
    ours: () => service.createIdentity(sent),
  };
}

/** A module body for `node --input-type=module -e`: import a client, make it, send one create to `target`. */
export function coldStartScript(
  client: 'ours' | 'openai' | 'stripe' | 'ky',
  target: Target,
  sent: object = command(),
): string {
  const body = JSON.stringify(wireBody());
  const t = JSON.stringify(target);
  switch (client) {
    case 'ours':
      return `const { createIdentityService } = await import('paxos-identity');
const service = createIdentityService({ adapter: 'paxos', paxos: { environment: 'sandbox', ...${t} } });
await service.createIdentity(${JSON.stringify(sent)});`;
    case 'openai':
      return `const { default: OpenAI } = await import('openai');
const client = new OpenAI({ apiKey: 'bench-key', baseURL: ${JSON.stringify(target.baseUrl)}, maxRetries: 0 });
await client.post('/identity/identities', { body: ${body} });`;
    case 'stripe': {
      const origin = new URL(target.baseUrl);
      return `const { default: Stripe } = await import('stripe');
const stripe = new Stripe('sk_test_bench', { host: '${origin.hostname}', port: ${origin.port}, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
await stripe.customers.create({ email: 'example@somemail.org' });`;
    }
    case 'ky':
      return `const { default: ky } = await import('ky');
await ky.post(${JSON.stringify(`${target.baseUrl}/identity/identities`)}, { headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' }, body: JSON.stringify(${body}), retry: 0 }).json();`;
  }
}
