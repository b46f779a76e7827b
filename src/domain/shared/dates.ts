const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parses a real calendar date `YYYY-MM-DD` (no 2023-02-30) to its UTC midnight, or undefined. */
export function parseCalendarDate(text: string): Date | undefined {
  const ms = calendarDateMs(text);
  return ms === undefined ? undefined : new Date(ms);
}

/**
 * {@link parseCalendarDate} as milliseconds since the epoch: a create reads a date of birth and only compares it, so
 * neither the match array nor a Date is made.
 */
export function calendarDateMs(text: string): number | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || !validDay(year, month, day)) return undefined;
  return Date.UTC(year, month - 1, day);
}

const DASH = 45;
const COLON = 58;
const UPPER_T = 84;
const UPPER_Z = 90;
const DOT = 46;
const PLUS = 43;

/** The decimal number of `length` ASCII digits of `text` from `start`, or -1 when one of them is not a digit. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = text.charCodeAt(i) - 48;
    // Written so that NaN (past the end of the text) is not a digit either.
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * {@link parseDateTime} as milliseconds since the epoch. The usual shape (`T` and `Z` or an offset, a year from 100)
 * is read character by character, with the same result as the pattern, without a match array or a Date; any other
 * text goes through the pattern.
 */
export function dateTimeMs(text: string): number | undefined {
  const fast = usualDateTimeMs(text);
  if (fast !== undefined) return fast;
  return parseDateTime(text)?.getTime();
}

/** The usual shape of {@link dateTimeMs}; undefined for anything else, which the pattern then judges. */
function usualDateTimeMs(text: string): number | undefined {
  const length = text.length;
  if (length < 20 || text.charCodeAt(10) !== UPPER_T) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let i = 19;
  let fraction = 0;
  if (text.charCodeAt(i) === DOT) {
    // One to nine digits, of which the first three count (as the pattern's path reads them).
    const start = ++i;
    while (i < length && i - start < 9 && digits(text, i, 1) >= 0) i++;
    const count = i - start;
    if (count === 0) return undefined;
    for (let k = 0; k < 3; k++) fraction = fraction * 10 + (k < count ? text.charCodeAt(start + k) - 48 : 0);
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === UPPER_Z) {
    if (i + 1 !== length) return undefined;
  } else if (zone === PLUS || zone === DASH) {
    if (i + 6 !== length || text.charCodeAt(i + 3) !== COLON) return undefined;
    const offsetHours = digits(text, i + 1, 2);
    const offsetMins = digits(text, i + 4, 2);
    if (offsetHours < 0 || offsetMins < 0) return undefined;
    offsetMinutes = (zone === DASH ? -1 : 1) * (offsetHours * 60 + offsetMins);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
  } else {
    return undefined;
  }
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses an RFC 3339 date-time (`2021-06-16T09:28:14Z`, fractions and offsets allowed), or undefined. */
export function parseDateTime(text: string): Date | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  // A JavaScript Date cannot hold a leap second (:60), so it is refused here rather than by a NaN further down.
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  let ms: number;
  if (year >= 100 && text.charCodeAt(10) === 84 /* T */ && m[8] !== 'z') {
    // From the fields already matched: no second parse of the text (this runs for every passthrough create).
    const fraction = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
    ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
  } else {
    // Years 0–99 (which Date.UTC maps to 19xx) and lower-case separators: as the platform's parser reads them.
    ms = Date.parse(text.replace(/\.(\d{3})\d+/, '.$1'));
  }
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
