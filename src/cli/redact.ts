/**
 * The CLI's last line of defence on stderr: whatever an error says (Paxos's own words, a path naming a key, the
 * command line commander echoes), the personal values and the secret the CLI holds come out as `[REDACTED]`, in any
 * spelling a server or a person might give them, and so does anything shaped like a US tax id.
 */

const REDACTED = '[REDACTED]';

/** Between two characters of a value as someone else spells it: a few separators (`-`, ` `, `.`, `/`, `, `). */
const GAP = '[^A-Za-z0-9]{0,3}';

// SSN and ITIN (3-2-4) and EIN (2-7), bare or split by a dash, a space or a dot.
const TAX_ID_SHAPES = /(?<!\d)(?:\d{3}[-. ]?\d{2}[-. ]?\d{4}|\d{2}[-. ]?\d{7})(?!\d)/g;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `value`'s letters and digits in order, with separators allowed between them. */
function spelledLoosely(value: string): string {
  return (value.match(/[A-Za-z0-9]/g) ?? []).join(GAP);
}

/** A day or month as `09` or `9`. */
function paddedOrNot(twoDigits: string): string {
  return twoDigits.startsWith('0') ? `0?${twoDigits.slice(1)}` : twoDigits;
}

/**
 * The spellings of a `YYYY-MM-DD` date: its numbers in year-month-day, month-day-year and day-month-year order (the
 * year in four digits or two, day and month with or without their zero), and with the month's English name.
 */
function dateSpellings(date: string): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return [];
  const [, year = '', month = '', day = ''] = match;
  const m = paddedOrNot(month);
  const d = `${paddedOrNot(day)}(?:st|nd|rd|th)?`;
  const fullName = MONTHS[Number(month) - 1];
  if (fullName === undefined) return [];
  const name = `(?:${fullName}|${fullName.slice(0, 3)}\\.?)`;
  const years = [year, `(?:${year}|${year.slice(2)})`];
  const [y4, y] = years as [string, string];
  return [
    [y4, m, d],
    [m, d, y],
    [d, m, y],
    [name, d, y4],
    [d, name, y4],
    [y4, name, d],
  ].map((parts) => parts.join(GAP));
}

/**
 * Redacts the values it was given, and tax id shapes, from text the CLI is about to print.
 *
 * @example
 * ```ts
 * const redactor = new Redactor([clientSecret]).with(['123-45-6789', '1980-01-31']);
 * redactor.redact('bad id 123 45 6789, born 01/31/1980'); // 'bad id [REDACTED], born [REDACTED]'
 * ```
 */
export class Redactor {
  readonly #patterns: readonly RegExp[];
  readonly #values: readonly string[];

  /** @param values the secrets and personal values to hide; empty ones and those under 4 characters are ignored. */
  constructor(values: readonly (string | undefined)[] = []) {
    this.#values = values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
    const exact = new Set<string>();
    const loose = new Set<string>();
    for (const value of this.#values) {
      exact.add(escape(value));
      // A value spelled with other separators is only recognisable by its characters when it has enough of them.
      if (value.replace(/[^A-Za-z0-9]/g, '').length >= 6) loose.add(spelledLoosely(value));
      for (const spelling of dateSpellings(value)) loose.add(spelling);
    }
    // Longest first, so that a whole spelling is replaced before a part of it could be. A loose spelling counts only
    // as a word of its own, so that the digits of an identity id or a request id that happen to match stay readable.
    this.#patterns = [
      ...[...exact].map((source) => new RegExp(source, 'gi')),
      ...[...loose]
        .sort((a, b) => b.length - a.length)
        .map((source) => new RegExp(`(?<![A-Za-z0-9])${source}(?![A-Za-z0-9])`, 'gi')),
    ];
  }

  /** A redactor that also hides `values`. */
  with(values: readonly (string | undefined)[]): Redactor {
    return new Redactor([...this.#values, ...values]);
  }

  /** `text` with every value given, in any spelling, and every tax id shape replaced by `[REDACTED]`. */
  redact(text: string): string {
    let out = text;
    for (const pattern of this.#patterns) out = out.replace(pattern, REDACTED);
    return out.replace(TAX_ID_SHAPES, REDACTED);
  }
}
