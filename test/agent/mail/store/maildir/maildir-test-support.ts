/** Helpers for the Maildir tests: temp directories under test-output, and test messages. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

const repository = join(import.meta.dirname, '../../../../..');

/** A fresh directory under test-output/. */
export async function makeTempDir(prefix = 'maildir-'): Promise<string> {
  await mkdir(join(repository, 'test-output'), { recursive: true });
  return mkdtemp(join(repository, 'test-output', prefix));
}

/** Removes a directory made by makeTempDir. */
export async function removeTempDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** A small RFC 5322 message with CRLF line ends; `size` pads the body to about that many bytes. */
export function message(subject: string, size = 0): Buffer {
  const head = `From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@test>\r\n\r\n`;
  const body = size > head.length ? `${'x'.repeat(size - head.length - 2)}\r\n` : 'hello\r\n';
  return Buffer.from(head + body);
}
