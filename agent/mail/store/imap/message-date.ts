/**
 * The Date header field as a point in time (RFC 5322 3.3 with the obsolete forms of 4.3): the
 * "sent date" SORT and THREAD order by (RFC 5256 2.2). Lenient about spacing and comments, strict
 * about the numbers, so a garbled date counts as missing rather than as some other day.
 */

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Obsolete zone names (RFC 5322 4.3), in minutes east of UTC; military letters count as +0000. */
const namedZones: Record<string, number> = {
  UT: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  // Not in RFC 5322, but common in Japanese mail software.
  JST: 540,
};

const datePattern =
  /^(?:[a-z]{3},?\s*)?(\d{1,2})\s*-?\s*([a-z]{3})[a-z]*\.?\s*-?\s*(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,5})?/i;

/** Milliseconds since the epoch of a Date header value, or undefined when it cannot be read. */
export function parseMessageDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Comments (CFWS) may sit anywhere; "(JST)" after the zone is the usual one.
  const text = value.replace(/\([^()]*\)/g, ' ').trim();
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = months.indexOf(match[2]!.toLowerCase());
  let year = Number(match[3]);
  if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  const hours = Number(match[4]);
  const minutes = Number(match[5]);
  const seconds = Number(match[6] ?? '0');
  if (month === -1 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const zone = match[7];
  let offset = 0;
  if (zone && /^[+-]\d{4}$/.test(zone)) {
    const minutesEast = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    offset = zone[0] === '-' ? -minutesEast : minutesEast;
  } else if (zone) {
    offset = namedZones[zone.toUpperCase()] ?? 0;
  }
  const time = Date.UTC(year, month, day, hours, minutes, Math.min(seconds, 59));
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined;
  return time - offset * 60_000;
}
