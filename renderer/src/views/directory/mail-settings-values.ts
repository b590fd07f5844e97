/**
 * The "Mail settings" form's fields as text, to and from the settings the directory holds. Dates
 * are whole days in UTC, as on the self-service page: the reply starts at 00:00 UTC of the first
 * day, and stops at 00:00 UTC of the end day.
 */
import type { UserMailSettings, UserMailSettingsWrite } from '../../../../main/console/console-contract';

/** What the form shows and edits. */
export interface MailSettingsFields {
  /** One address a line. */
  forwardTo: string;
  keepCopy: boolean;
  vacationActive: boolean;
  vacationSubject: string;
  vacationBody: string;
  /** YYYY-MM-DD, or empty. */
  vacationStart: string;
  vacationEnd: string;
  spam: 'none' | 'junk' | 'reject';
  rejectScore: string;
}

const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (text: string) => Date.parse(`${text}T00:00:00Z`);

/** The fields of settings as read. */
export function fieldsOf(settings: UserMailSettings): MailSettingsFields {
  const vacation = settings.vacation;
  return {
    forwardTo: settings.forwardTo.join('\n'),
    keepCopy: settings.keepCopy,
    vacationActive: vacation?.active ?? false,
    vacationSubject: vacation?.subject ?? '',
    vacationBody: vacation?.body ?? '',
    vacationStart: vacation ? dayText(vacation.startsAt) : '',
    vacationEnd: vacation ? dayText(vacation.endsAt) : '',
    spam: settings.spam?.mode ?? 'none',
    rejectScore: settings.spam?.mode === 'reject' ? String(settings.spam.rejectScore) : '15',
  };
}

/**
 * The write of the fields, or 'needDates' when a vacation is asked for without both days. Every
 * other check (addresses, loops, end before start, scores) is the directory side's, in its words.
 */
export function writeOf(address: string, fields: MailSettingsFields): UserMailSettingsWrite | 'needDates' {
  const forwardTo = fields.forwardTo
    .split(/[\r\n,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const hasVacation =
    fields.vacationActive ||
    fields.vacationSubject !== '' ||
    fields.vacationBody !== '' ||
    fields.vacationStart !== '' ||
    fields.vacationEnd !== '';
  const isDay = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text);
  if (hasVacation && !(isDay(fields.vacationStart) && isDay(fields.vacationEnd))) return 'needDates';
  return {
    address,
    forwardTo,
    keepCopy: forwardTo.length > 0 && fields.keepCopy,
    ...(hasVacation
      ? {
          vacation: {
            active: fields.vacationActive,
            subject: fields.vacationSubject,
            body: fields.vacationBody,
            startsAt: dayMs(fields.vacationStart),
            endsAt: dayMs(fields.vacationEnd),
          },
        }
      : {}),
    ...(fields.spam === 'junk' ? { spam: { mode: 'junk' as const } } : {}),
    ...(fields.spam === 'reject'
      ? { spam: { mode: 'reject' as const, rejectScore: Number(fields.rejectScore.trim()) } }
      : {}),
  };
}
