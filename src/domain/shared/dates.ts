const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
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
  const m = CALENDAR_DATE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!validDay(year, month, day)) return undefined;
  return new Date(Date.UTC(year, month - 1, day));
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
