import type { Violation } from './violations.js';

/** What a scrubbed value is replaced by. */
const REDACTED = '[REDACTED]';

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
 * The longest text one match of `value` can cover: a value cut at the end of the text read is this close to it, so
 * that much of the end is never shown. A date's longest spelling is `14th of September 1961` with three-character
 * gaps; anything else, its letters and digits with three between each.
 */
function longestMatch(value: string): number {
  if (ISO_DATE.test(value)) return 40;
  const significant = value.replace(/[^A-Za-z0-9]/g, '').length;
  return Math.max(value.length, significant * 4);
}

/** Named character references a server's HTML-escaped text may use for a separator, a digit's neighbours. */
const ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '-',
  mdash: '-',
  minus: '-',
  hyphen: '-',
  dash: '-',
  period: '.',
  sol: '/',
  colon: ':',
  comma: ',',
  lowbar: '_',
  num: '#',
  amp: '&',
  quot: '"',
  apos: "'",
  lt: '<',
  gt: '>',
};
/**
 * The escapes a value may hide behind in a server's text: HTML character references (`&#45;`, `&#x2D;`, `&ndash;`),
 * URL encoding (`%2D`, `%35`, `%E2%80%93`) and JSON or JavaScript escapes left literal by a double encoding (`\u002d`, `\x2d`).
 * Bounded (seven decimal digits, six hex digits), so that one escape is never long.
 */
const ESCAPE =
  /&#(\d{1,7});|&#[xX]([0-9A-Fa-f]{1,6});|&([a-zA-Z]{2,7});|((?:%[0-9A-Fa-f]{2})+)|\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})/g;
/** A double encoding (`%252D`) takes one more pass to read; more than this is not a server's text. */
const DECODE_PASSES = 3;
/** Invisible format characters (zero-width space and joiners, soft hyphen, direction marks): a reader never sees them. */
const FORMAT = /\p{Cf}+/gu;
/** A decimal digit of another script (`٥`, `५`): its value is its place in its run of ten. */
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;
const DIGIT = /^\p{Nd}$/u;
const WHITESPACE = /\s+/g;

function decodeEscape(match: string, dec?: string, hex?: string, name?: string, url?: string, ...rest: unknown[]) {
  const [js4, js2] = rest as [string | undefined, string | undefined];
  if (name !== undefined) return ENTITIES[name.toLowerCase()] ?? match;
  if (url !== undefined) return decodePercent(url);
  const code = dec !== undefined ? Number(dec) : parseInt(hex ?? js4 ?? js2 ?? '', 16);
  // A code point that cannot be a character (a surrogate, past U+10FFFF) is left as written.
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return match;
  return String.fromCodePoint(code);
}

/** A run of URL escapes as the UTF-8 it spells (`%E2%80%93` is one en dash), or byte by byte when it spells none. */
function decodePercent(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run.replace(/%([0-9A-Fa-f]{2})/g, (_, byte: string) => String.fromCharCode(parseInt(byte, 16)));
  }
}

/** The ASCII digit a decimal digit of any script stands for: Unicode encodes each script's digits as a run 0 to 9. */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0) ?? 0;
  let start = code;
  // Runs are whole multiples of ten (mathematical digits come in five runs back to back): at most a few steps.
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((code - start) % 10);
}

/**
 * `text` as a reader takes it in: escapes decoded, compatibility forms folded (NFKC: full-width `５`, `Ｘ`, ligatures),
 * digits of every script as ASCII, invisible format characters removed, control characters and runs of whitespace
 * as one space. A value is looked for in this view, and this view is what is shown: what is shown was scanned.
 */
function readerView(text: string): string {
  let out = text;
  for (let pass = 0; pass < DECODE_PASSES; pass++) {
    const decoded = out.replace(ESCAPE, decodeEscape);
    if (decoded === out) break;
    out = decoded;
  }
  return out
    .normalize('NFKC')
    .replace(OTHER_DIGIT, asciiDigit)
    .replace(FORMAT, '')
    .replace(CONTROL, ' ')
    .replace(WHITESPACE, ' ');
}

/** Where in `text` each spelling of each of `sensitive`, and each tax id shape, is: `[start, end)` ranges. */
function sensitiveRanges(text: string, sensitive: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const collect = (pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) ranges.push([match.index, match.index + match[0].length]);
  };
  for (const sent of sensitive) {
    const value = readerView(sent).trim();
    // The exact value first: one whose meaning lies in its symbols too (`a+b@c`) is still found as sent.
    if (value.length >= MIN_SIGNIFICANT) collect(new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'));
    const pattern = patternOf(value);
    if (pattern !== undefined) collect(new RegExp(pattern, 'gi'));
  }
  collect(TAX_ID_SHAPES);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/**
 * `text` up to `shownEnd` with every range replaced by `[REDACTED]` (overlapping ranges once), and whether any was;
 * a range that starts before `shownEnd` is replaced whole.
 */
function redact(text: string, ranges: readonly [number, number][], shownEnd: number) {
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (start >= shownEnd) break;
    if (end <= at) continue;
    // A range overlapping the one before extends it: one [REDACTED] for both.
    if (start >= at) out += `${text.slice(at, start)}${REDACTED}`;
    at = end;
  }
  if (at < shownEnd) out += text.slice(at, shownEnd);
  return { text: out, redacted: ranges.length > 0 };
}

/** {@link scrubText}, and whether anything was redacted. */
function scrub(text: string, sensitive: readonly string[], window = Number.POSITIVE_INFINITY) {
  const view = readerView(text.slice(0, window));
  const read = view.slice(0, window);
  // A text cut to the window may end in part of a value, too little of it to be recognised: that end is not shown.
  const cut = text.length > window || view.length > window;
  const margin = cut ? Math.max(16, ...sensitive.map(longestMatch)) : 0;
  return { ...redact(read, sensitiveRanges(read, sensitive), Math.max(0, read.length - margin)), cut };
}

/**
 * `text` with every spelling of each of `sensitive` replaced by `[REDACTED]`, and anything shaped like a US tax id.
 * A value is matched by meaning, not by spelling: the letters and digits of a CIP or tax id with any separators
 * between them (or none), a date of birth (`YYYY-MM-DD`) in its common spellings. The text is read as a reader sees
 * it, and returned that way: HTML, URL and JSON escapes decoded, full-width and other scripts' digits as ASCII,
 * invisible characters removed, whitespace runs as one space. Nothing else is touched: a number that is no value of
 * `sensitive` and not shaped like a tax id stays, so that the text still explains.
 */
export function scrubText(text: string, sensitive: readonly string[] = []): string {
  return scrub(text, sensitive).text;
}

/**
 * A server's text (a Problem's `detail` or `title`, a message of a violation it reports) made safe to put in an error
 * or a log line: read as {@link scrubText} reads it, scrubbed, and its length bounded. Undefined for a text that is
 * absent or empty once cleaned.
 */
export function scrubServerText(text: string | undefined, sensitive: readonly string[] = []): string | undefined {
  if (text === undefined) return undefined;
  // Cut before anything runs so that the work is bounded, wide enough that what is shown was read whole.
  const window = MAX_TEXT * 4;
  const { text: scrubbed, cut } = scrub(text, sensitive, window);
  let out = scrubbed.trim();
  if (out.length > MAX_TEXT || cut) out = `${out.slice(0, MAX_TEXT)}…`;
  return out === '' || out === '…' ? undefined : out;
}

/**
 * True when `text` holds one of `sensitive`, in any spelling {@link scrubText} knows, or a tax id shape: a server's
 * short token (an id, a Problem `type`, a scope) that does is not kept at all.
 */
export function holdsSensitive(text: string, sensitive: readonly string[] = []): boolean {
  return scrub(text, sensitive).redacted;
}

/** Violations a server reported, each message scrubbed by {@link scrubServerText}; the paths are kept. */
export function scrubViolations(violations: readonly Violation[], sensitive: readonly string[] = []): Violation[] {
  return violations.map((x) => ({ ...x, message: scrubServerText(x.message, sensitive) ?? x.path }));
}
