/**
 * Rspamd's scan protocol over HTTP: `POST /checkv2` with the message as the body and the envelope
 * in headers (From, Rcpt, IP, Helo, Hostname), to the normal worker. Every scan has a deadline; a
 * scanner that does not answer in time is an error the policy handles, never a hung SMTP session.
 */
import { request } from 'node:http';
import { parseRspamdReply, type RspamdVerdict } from './rspamd-verdict.js';

/** Where rspamd listens and how long a scan may take. */
export interface RspamdClientOptions {
  /** `http://host:port` of rspamd's normal worker (default port 11333). */
  url: string;
  /** Whole-scan deadline (default 15 s). */
  timeoutMs?: number;
  /** Controller password, if the worker requires one. */
  password?: string;
}

/** The envelope rspamd is told about. */
export interface ScanEnvelope {
  /** Envelope sender; empty for the null sender. */
  sender: string;
  recipients: string[];
  clientAddress: string;
  helo?: string;
  /** The client's host name (reverse DNS), if known. */
  clientHostname?: string;
  queueId?: string;
}

// An answer this big is not a scan result; reading on would only cost memory.
const maxReplyBytes = 4 * 1024 * 1024;

/** Scans messages with one rspamd. */
export class RspamdClient {
  private readonly endpoint: URL;

  constructor(private readonly options: RspamdClientOptions) {
    this.endpoint = new URL('/checkv2', options.url);
    if (this.endpoint.protocol !== 'http:') throw new Error(`rspamd URL must be http://: ${options.url}`);
  }

  /** Where this client scans, for status displays. */
  get url(): string {
    return this.endpoint.origin;
  }

  /** Scans one message; rejects with an Error in words on timeout, HTTP error or a bad answer. */
  scan(message: Buffer, envelope: ScanEnvelope): Promise<RspamdVerdict> {
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const headers: Record<string, string | string[] | number> = {
      'Content-Length': message.length,
      From: envelope.sender,
      Rcpt: envelope.recipients,
      IP: envelope.clientAddress,
    };
    if (envelope.helo) headers.Helo = envelope.helo;
    if (envelope.clientHostname) headers.Hostname = envelope.clientHostname;
    if (envelope.queueId) headers['Queue-Id'] = envelope.queueId;
    if (this.options.password) headers.Password = this.options.password;
    return new Promise((resolve, reject) => {
      const req = request(this.endpoint, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxReplyBytes) {
            req.destroy(new Error(`rspamd's answer is larger than ${maxReplyBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`rspamd answered HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
            return;
          }
          try {
            resolve(parseRspamdReply(body));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`rspamd at ${this.url} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(
          error.message.startsWith('rspamd') ? error : new Error(`rspamd at ${this.url}: ${error.message}`),
        );
      });
      req.end(message);
    });
  }
}
