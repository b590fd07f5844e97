/**
 * What a form posted to the self-service page says: its body read with a size bound, and the
 * settings form turned into the settings it asks for (or what is wrong with it, in words).
 */
import type { IncomingMessage } from 'node:http';
import {
  fromGeneralizedTime,
  selfServiceChange,
  type UserSelfService,
} from '../../../common/directory/user-self-service.js';

// Forms are small; a larger body is not one of ours.
const maxBodyBytes = 32 * 1024;

/** The settings a form asks for, or what is wrong with it in words. */
export function settingsFromForm(form: URLSearchParams): UserSelfService | string {
  const forwardTo = (form.get('forwardTo') ?? '')
    .split(/[\r\n,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const start = form.get('vacationStart') ?? '';
  const end = form.get('vacationEnd') ?? '';
  const active = form.get('vacationActive') === 'on';
  const subject = form.get('vacationSubject') ?? '';
  const body = form.get('vacationBody') ?? '';
  const hasVacation = active || start !== '' || end !== '' || subject !== '' || body !== '';
  const date = (text: string) => fromGeneralizedTime(`${text.replaceAll('-', '')}000000Z`);
  if (hasVacation && (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end)))
    return 'the vacation needs a start and an end date';
  const spamMode = form.get('spam') ?? 'none';
  const score = Number(form.get('rejectScore'));
  const parsed = selfServiceChange.safeParse({
    forwardTo,
    keepCopy: form.get('keepCopy') === 'on',
    ...(hasVacation ? { vacation: { active, subject, body, startsAt: date(start), endsAt: date(end) } } : {}),
    ...(spamMode === 'junk'
      ? { spam: { mode: 'junk' } }
      : spamMode === 'reject'
        ? { spam: { mode: 'reject', rejectScore: score } }
        : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join(' ') ?? ''}: ${issue?.message ?? 'invalid'}`;
  }
  return parsed.data;
}

/** The form of a POST, or undefined when it is not one or is over the size bound. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
