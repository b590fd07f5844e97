/**
 * The raw DEFLATE streams of COMPRESS=DEFLATE (RFC 4978, RFC 1951 without zlib header). The
 * compressor uses a smaller window and memory level than zlib's defaults (about 64 KiB instead of
 * 256 KiB per session: a store has thousands of sessions); the decompressor takes any window up
 * to the 32 KiB a client may use.
 */
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

/** 2^13 = 8 KiB window: most of the gain on IMAP responses, a quarter of the memory. */
const windowBits = 13;
const memLevel = 6;

/** A fresh compressor (server to client) and decompressor (client to server). */
export function deflateStreams(): { inflate: InflateRaw; deflate: DeflateRaw } {
  return {
    inflate: createInflateRaw({ windowBits: 15 }),
    deflate: createDeflateRaw({ windowBits, memLevel, level: constants.Z_DEFAULT_COMPRESSION }),
  };
}
