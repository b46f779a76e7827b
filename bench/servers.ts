/**
 * A server in its own process, so that the client under test has a core of its own:
 * `emulator [rateLimitJson]` runs the Paxos emulator; `bare <jsonFile>` a node:http server answering every request with
 * the same identity JSON (what the emulator would answer), as the floor of what any node:http server costs.
 * Prints one JSON line with its URLs and credentials, then serves until SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

const [mode, arg] = process.argv.slice(2);
if (mode === 'emulator') {
  const { startPaxosEmulator } = await import('../dist/testing.js');
  const rateLimit = arg === undefined ? false : JSON.parse(arg);
  const emulator = await startPaxosEmulator({ rateLimit });
  console.log(
    JSON.stringify({
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    }),
  );
  process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
} else if (mode === 'bare') {
  const body = readFileSync(arg!, 'utf8');
  // The token route answers a token, so that a client that authenticates first (ours, openai-node's, stripe-node's
  // with their own keys) runs against this server too; everything else answers the identity.
  const token = JSON.stringify({ access_token: 'bench-token', token_type: 'bearer', expires_in: 3600, scope: '' });
  const server = createServer((req, res) => {
    // Read the whole request body, as the emulator does, then answer.
    req.on('data', () => {});
    req.on('end', () => {
      const answer = req.url === '/oauth2/token' ? token : body;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    const origin = `http://127.0.0.1:${port}`;
    console.log(
      JSON.stringify({
        baseUrl: `${origin}/v2`,
        tokenUrl: `${origin}/oauth2/token`,
        clientId: 'bench-client',
        clientSecret: 'bench-secret',
      }),
    );
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  throw new Error(`unknown mode ${mode}`);
}
