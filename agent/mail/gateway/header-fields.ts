/** Removing fields from a message's header section, continuation lines included; the body is untouched. */

/** The message without any header field of these names (case-insensitive); unchanged when none. */
export function withoutHeaderFields(message: Buffer, names: readonly string[]): Buffer {
  const text = message.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return message;
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const fields = text.slice(0, end).split(/\r\n(?![ \t])/);
  const kept = fields.filter((field) => !wanted.has(field.slice(0, field.indexOf(':')).trim().toLowerCase()));
  if (kept.length === fields.length) return message;
  return Buffer.from(`${kept.join('\r\n')}${text.slice(end)}`, 'latin1');
}
