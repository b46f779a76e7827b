/**
 * What can go wrong between a client and Paxos, on demand. Each fault hits the next matching request(s) and is then
 * used up; faults are consumed in the order they were injected.
 *
 * - `status`: answer with this status and a Paxos-style Problem (or `body`) without processing the request.
 * - `drop` `before-processing`: close the connection before anything happens (nothing was created).
 * - `drop` `after-processing`: process the request, then close the connection instead of answering: the lost
 *   response, after which a retried create meets its own first attempt as a 409.
 * - `stall-headers`: process, then send nothing at all, not even the headers, until the client gives up or the
 *   emulator closes: the request took effect, and only a per-attempt timeout tells the client to ask again.
 * - `stall-body`: process, send the headers and half the body, then stall until the client gives up or the
 *   emulator closes (a per-attempt timeout that stops at the headers never fires).
 * - `truncate-body`: process, then send only half of the JSON body and end the response cleanly.
 * - `delay`: wait `ms` on the emulator's timers before processing as usual.
 */
export type EmulatorFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number | string; readonly body?: unknown }
  | { readonly kind: 'drop'; readonly when: 'before-processing' | 'after-processing' }
  | { readonly kind: 'stall-headers' }
  | { readonly kind: 'stall-body' }
  | { readonly kind: 'truncate-body' }
  | { readonly kind: 'delay'; readonly ms: number };

/** The kinds of {@link EmulatorFault}. */
export type EmulatorFaultKind = EmulatorFault['kind'];

/**
 * Which requests a fault applies to. `path` is an exact path (`/v2/identity/identities`), a template with `{name}`
 * segments (`/v2/identity/identities/{id}`), or a RegExp tested against the path. Without `path`, every request
 * under `/v2/` matches, but not the token route: target `/oauth2/token` explicitly to break authentication.
 */
export interface FaultMatch {
  /** `GET`, `POST`, `PUT`…; any method when absent. */
  readonly method?: string;
  readonly path?: string | RegExp;
}

/** Options of {@link FaultInjector.inject}. */
export interface FaultOptions {
  /** How many matching requests the fault hits. Default 1. */
  readonly times?: number;
  readonly match?: FaultMatch;
}

/** A fault that was injected: how many hits it has left, and a way to withdraw it. */
export interface InjectedFault {
  readonly fault: EmulatorFault;
  /** Matching requests still to be hit. */
  readonly remaining: number;
  /** Requests hit so far. */
  readonly hits: number;
  /** Withdraws the fault before it is used up. */
  cancel(): void;
}

class Armed implements InjectedFault {
  hits = 0;
  cancelled = false;

  constructor(
    readonly fault: EmulatorFault,
    private readonly times: number,
    private readonly matches: (method: string, path: string) => boolean,
  ) {}

  get remaining(): number {
    return this.cancelled ? 0 : Math.max(0, this.times - this.hits);
  }

  cancel(): void {
    this.cancelled = true;
  }

  tryTake(method: string, path: string): boolean {
    if (this.remaining === 0 || !this.matches(method, path)) return false;
    this.hits += 1;
    return true;
  }
}

function pathMatcher(path: string | RegExp | undefined): (path: string) => boolean {
  if (path === undefined) return (p) => p.startsWith('/v2/');
  if (path instanceof RegExp) return (p) => new RegExp(path.source, path.flags.replace('g', '')).test(p);
  const pattern = path
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const regex = new RegExp(`^${pattern}/?$`);
  return (p) => regex.test(p);
}

function checkFault(fault: EmulatorFault): void {
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)
        throw new RangeError('fault status must be an HTTP status');
      return;
    case 'delay':
      if (!Number.isFinite(fault.ms) || fault.ms < 0)
        throw new RangeError('fault delay must be a non-negative number of ms');
      return;
    case 'drop':
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- faults arrive at run time from untyped callers; reject a bad `when` early
      if (fault.when !== 'before-processing' && fault.when !== 'after-processing') {
        throw new RangeError("drop fault needs when: 'before-processing' | 'after-processing'");
      }
      return;
    case 'stall-headers':
    case 'stall-body':
    case 'truncate-body':
      return;
    default:
      throw new RangeError(`unknown fault kind: ${String((fault as { kind?: unknown }).kind)}`);
  }
}

/**
 * The emulator's fault queue.
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'status', status: 503, retryAfter: 1 }, { times: 2 });
 * emulator.faults.inject({ kind: 'drop', when: 'after-processing' }, { match: { method: 'POST', path: '/v2/identity/identities' } });
 * ```
 */
export class FaultInjector {
  private armed: Armed[] = [];

  /** Arms a fault for the next `times` requests that match. */
  inject(fault: EmulatorFault, options: FaultOptions = {}): InjectedFault {
    checkFault(fault);
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
    const method = options.match?.method?.toUpperCase();
    const path = pathMatcher(options.match?.path);
    const armed = new Armed(fault, times, (m, p) => (method === undefined || method === m) && path(p));
    this.armed.push(armed);
    return armed;
  }

  /** Withdraws every fault not used up yet. */
  clear(): void {
    for (const armed of this.armed) armed.cancel();
    this.armed = [];
  }

  /** Faults still armed. */
  get pending(): readonly InjectedFault[] {
    return this.armed.filter((a) => a.remaining > 0);
  }

  /** The fault for this request, if any, counted as one hit. */
  take(method: string, path: string): EmulatorFault | undefined {
    // Nearly every request meets an empty queue: no search and no copy of it then.
    if (this.armed.length === 0) return undefined;
    const hit = this.armed.find((a) => a.tryTake(method, path));
    this.armed = this.armed.filter((a) => a.remaining > 0);
    return hit?.fault;
  }
}
