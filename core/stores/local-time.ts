/**
 * An instant as a store's wall clock, for the vendor fields whose documents want local time. The zone
 * rules come from the runtime's ICU data through Intl.DateTimeFormat (no offset arithmetic of ours):
 * the date and time fields and the offset are read back from one formatted instant.
 */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM:SS (00–23 hours) */
  time: string;
  /** ±HH:MM, e.g. +02:00 for Asia/Nicosia in winter. */
  offset: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The instant's wall clock in `timeZone`; throws a RangeError for an unknown zone or an invalid instant. */
export function localTimeOf(instant: string | Date, timeZone: string): LocalTime {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) throw new RangeError(`${JSON.stringify(instant)} is not an instant`);
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  // longOffset is "GMT+02:00", or plain "GMT" at offset zero.
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, offset };
}

/** "2017-06-22T15:00:00": local, no zone (CRM.COM legacy dates). */
export function localDateTimeNoZone(instant: string | Date, timeZone: string): string {
  const t = localTimeOf(instant, timeZone);
  return `${t.date}T${t.time}`;
}

/** "2017-06-22 15:00:00": local, no zone (Capillary billing_time, redemption_time). */
export function localDateTimeSpaced(instant: string | Date, timeZone: string): string {
  const t = localTimeOf(instant, timeZone);
  return `${t.date} ${t.time}`;
}

/** "2017-06-22": the local calendar day. */
export function localDate(instant: string | Date, timeZone: string): string {
  return localTimeOf(instant, timeZone).date;
}

/** "2017-06-22T15:00:00+03:00": ISO 8601 local time with the zone's offset at that instant. */
export function localIsoWithOffset(instant: string | Date, timeZone: string): string {
  const t = localTimeOf(instant, timeZone);
  return `${t.date}T${t.time}${t.offset}`;
}

/**
 * An IANA zone name the runtime knows (Intl) and that names a region or UTC, not a bare offset:
 * the API's check before the database's own (is_time_zone over pg_timezone_names).
 */
export function isIanaTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}
