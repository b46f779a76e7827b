import type { Violation } from './violations.js';

/** What a scrubbed value is replaced by. */
export const REDACTED = '[REDACTED]';

/** Longest server text kept, in characters; the rest is cut and marked with `…`. */
const MAX_TEXT = 300;
// eslint-disable-next-line no-control-regex -- matches control characters so that they are stripped from server texts
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;
// SSN and ITIN (with or without dashes) and EIN shapes: a server's validation messages may quote the value they
// refuse, even one this request did not send (a value stored earlier).
const TAX_ID_SHAPES = /\b\d{3}-?\d{2}-?\d{4}\b|\b\d{2}-\d{7}\b/g;
/**
 * What may stand between two characters of a value as a server spells it: up to three of anything but a letter or a
 * digit (`518 27 4930`, `518-27-4930`, `518.27.4930`, `518/27/4930`, `518274930`, `14, 1961`). Bounded, so that a
 * match never spans a sentence.
 */
const GAP = '[^A-Za-z0-9]{0,3}';
/** A value with fewer letters and digits than this is too common to look for in prose. */
const MIN_SIGNIFICANT = 4;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = [
  ['January', 'Jan'],
  ['February', 'Feb'],
  ['March', 'Mar'],
  ['April', 'Apr'],
  ['May'],
  ['June', 'Jun'],
  ['July', 'Jul'],
  ['August', 'Aug'],
  ['September', 'Sept', 'Sep'],
  ['October', 'Oct'],
  ['November', 'Nov'],
  ['December', 'Dec'],
] as const;

/** Each character in turn, any gap between them: how an id of letters and digits is found whatever its separators. */
function charWise(significant: string): string {
  // Letters and digits only (ASCII): one character is one code unit.
  return (significant.match(/./g) ?? []).join(GAP);
}

/** A month or day number with its leading zero optional: `03` matches `3` and `03`. */
function unpadded(twoDigits: string): string {
  return twoDigits.startsWith('0') ? `0?${twoDigits.slice(1)}` : twoDigits;
}

/**
 * The common spellings of one date: every order of year, month and day with any separators (1961-03-14, 03/14/1961,
 * 14/03/1961, 14.03.1961, 19610314, 3/14/61), and with the month's name or abbreviation (Mar 14 1961,
 * March 14, 1961, 14 Mar 1961, 14th of March 1961, 1961 Mar 14). A form with a short part (`3`, `61`) needs a
 * separator: run together, its digits would turn up inside other numbers (`1975` read as 1/9/75).
 */
function datePattern(year: string, month: string, day: string): string | undefined {
  const name = MONTHS[Number(month) - 1];
  if (name === undefined || Number(day) < 1 || Number(day) > 31) return undefined;
  const y = year;
  const m = unpadded(month);
  const d = unpadded(day);
  const dn = `${d}(?:st|nd|rd|th)?`;
  // The full name is tried first, so that `March` is not cut to `Mar` with `ch` left over.
  const n = `(?:${name.join('|')})`;
  const separated = '[^A-Za-z0-9]{1,3}';
  // Four-digit years before two-digit ones: `03/14/1961` must not lose only `03/14/19`.
  const forms: [string, readonly string[][]][] = [
    [
      GAP,
      [
        [y, month, day],
        [month, day, y],
        [day, month, y],
      ],
    ],
    [
      separated,
      [
        [y, m, d],
        [m, d, y],
        [d, m, y],
      ],
    ],
    [
      GAP,
      [
        [n, dn, y],
        [dn, `(?:of${GAP})?${n}`, y],
        [y, n, dn],
      ],
    ],
    [
      separated,
      [
        [m, d, year.slice(2)],
        [d, m, year.slice(2)],
      ],
    ],
  ];
  return forms.flatMap(([gap, orders]) => orders.map((parts) => parts.join(gap))).join('|');
}

/** The pattern that finds one sensitive value in a server's text however it is spelled, or undefined for none. */
function patternOf(value: string): string | undefined {
  const date = ISO_DATE.exec(value);
  if (date !== null) return datePattern(date[1] ?? '', date[2] ?? '', date[3] ?? '');
  const significant = value.replace(/[^A-Za-z0-9]/g, '');
  return significant.length < MIN_SIGNIFICANT ? undefined : charWise(significant);
}

/**
 * `text` with every spelling of each of `sensitive` replaced by `[REDACTED]`, and anything shaped like a US tax id.
 * A value is matched by meaning, not by spelling: the letters and digits of a CIP or tax id with any separators
 * between them (or none), a date of birth (`YYYY-MM-DD`) in its common spellings. Nothing else is touched: a number
 * that is no value of `sensitive` and not shaped like a tax id stays, so that the text still explains.
 */
export function scrubText(text: string, sensitive: readonly string[] = []): string {
  let out = text;
  for (const value of sensitive) {
    // The exact value first: one whose meaning lies in its symbols too (`a+b@c`) is still found as sent.
    if (value.length >= MIN_SIGNIFICANT) out = out.split(value).join(REDACTED);
    const pattern = patternOf(value);
    if (pattern !== undefined) out = out.replace(new RegExp(pattern, 'gi'), REDACTED);
  }
  return out.replace(TAX_ID_SHAPES, REDACTED);
}

/**
 * A server's text (a Problem's `detail` or `title`, a message of a violation it reports) made safe to put in an error
 * or a log line: control characters removed, scrubbed by {@link scrubText}, and its length bounded. Undefined for
 * a text that is absent or empty once cleaned.
 */
export function scrubServerText(text: string | undefined, sensitive: readonly string[] = []): string | undefined {
  if (text === undefined) return undefined;
  // Cut before the patterns run so that their work is bounded, but wide enough that a value at the cut is still seen.
  let out = scrubText(text.slice(0, MAX_TEXT * 4).replace(CONTROL, ' '), sensitive).trim();
  if (out.length > MAX_TEXT) out = `${out.slice(0, MAX_TEXT)}…`;
  return out === '' ? undefined : out;
}

/**
 * True when `text` holds one of `sensitive`, in any spelling {@link scrubText} knows, or a tax id shape: a server's
 * short token (an id, a Problem `type`, a scope) that does is not kept at all.
 */
export function holdsSensitive(text: string, sensitive: readonly string[] = []): boolean {
  return scrubText(text, sensitive) !== text;
}

/** Violations a server reported, each message scrubbed by {@link scrubServerText}; the paths are kept. */
export function scrubViolations(violations: readonly Violation[], sensitive: readonly string[] = []): Violation[] {
  return violations.map((x) => ({ ...x, message: scrubServerText(x.message, sensitive) ?? x.path }));
}
