/**
 * The certificate the mail services present (IMAP STARTTLS and implicit TLS, POP3 STLS and implicit
 * TLS), read from the PEM files named in the agent configuration's `tls` section. The files are read
 * each time a mail service starts, so a renewed certificate is picked up by `service.restart`.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** Where the PEM files are (the agent configuration's `tls` section). */
export interface MailTlsFiles {
  certFile: string;
  keyFile: string;
}

/** A loaded certificate and key, ready for `tls.createServer` or `new TLSSocket(..., { secureContext })`. */
export interface MailTlsCredentials {
  cert: Buffer;
  key: Buffer;
  /** Built once from cert and key; shared by every connection. */
  secureContext: ReturnType<typeof createSecureContext>;
}

/** Thrown when the certificate or key cannot be read or do not belong together. */
export class MailTlsError extends Error {
  override readonly name = 'MailTlsError';
}

/** TLS settings every mail listener uses: TLS 1.2 and newer only. */
export const mailTlsDefaults: SecureContextOptions = { minVersion: 'TLSv1.2' };

/** Reads and checks the certificate files; the error says which file and why. */
export async function loadMailTls(files: MailTlsFiles): Promise<MailTlsCredentials> {
  const read = async (path: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new MailTlsError(`cannot read the TLS ${what} ${path}: ${(error as Error).message}`);
    }
  };
  const [cert, key] = await Promise.all([read(files.certFile, 'certificate'), read(files.keyFile, 'key')]);
  try {
    return { cert, key, secureContext: createSecureContext({ ...mailTlsDefaults, cert, key }) };
  } catch (error) {
    // OpenSSL says e.g. "key values mismatch"; the file names make it actionable.
    throw new MailTlsError(
      `the TLS certificate ${files.certFile} and key ${files.keyFile} cannot be used: ${(error as Error).message}`,
    );
  }
}
