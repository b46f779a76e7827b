import { request as httpRequest } from 'node:http';

/** What the console answered: the body parsed when it is JSON (else `{}`), and always its text. */
export interface ConsoleAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/**
 * A request to the console at `base` with exactly the headers given: an object body is sent as JSON with its content
 * type (unless `headers` names one), a string body as written and without one, so that a case can send what a browser
 * never would.
 */
export function consoleCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ConsoleAnswer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, base),
      {
        method,
        headers: {
          ...(payload !== undefined && typeof body !== 'string' && { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // HTML, CSS or a plain-text refusal: the case reads the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
