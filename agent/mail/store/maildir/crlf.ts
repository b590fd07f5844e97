/**
 * Messages are stored with CRLF line ends (what IMAP sends and RFC822.SIZE counts, and what
 * Dovecot's W= size means), so bare LF or bare CR from an APPEND are turned into CRLF once, here.
 */
import { crlfCheckModule } from './crlf-check-module.js';

/** The part of the WebAssembly API used here (Node has it; this project's type libraries do not). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/**
 * Makes the CRLF check out of the WebAssembly module's bytes (crlf-check.wat, base64): true if
 * every CR is followed by LF and every LF preceded by CR. Self-contained (no imports, no outer
 * names), so a worker thread's source can carry it as text (message-file-readers.ts). The data is
 * copied into the module's memory 64 KiB at a time, the byte before each chunk beside it.
 */
export function makeCrlfCheck(moduleBase64: string): (data: Uint8Array) => boolean {
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const module = new wasm.Module(Buffer.from(moduleBase64, 'base64'));
  const exports = new wasm.Instance(module, {}).exports as {
    memory: { buffer: ArrayBuffer };
    breaksCrlf: (end: number) => number;
  };
  const memory = new Uint8Array(exports.memory.buffer);
  const chunkBytes = 65536;
  return (data) => {
    let before = 0;
    for (let at = 0; at < data.length; at += chunkBytes) {
      const chunk = data.subarray(at, at + chunkBytes);
      memory[15] = before;
      memory.set(chunk, 16);
      if (exports.breaksCrlf(16 + chunk.length) !== 0) return false;
      before = chunk[chunk.length - 1]!;
    }
    return data.length === 0 || data[data.length - 1] !== 0x0d;
  };
}

/** True if every CR is followed by LF and every LF preceded by CR. */
export const hasOnlyCrlf = makeCrlfCheck(crlfCheckModule);

/** The message with every line end as CRLF (the same buffer when it already is). */
export function toCrlf(data: Buffer): Buffer {
  if (hasOnlyCrlf(data)) return data;
  const out = Buffer.allocUnsafe(data.length * 2);
  let length = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x0d) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
      if (data[i + 1] === 0x0a) i++;
    } else if (byte === 0x0a) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
    } else {
      out[length++] = byte;
    }
  }
  return Buffer.from(out.subarray(0, length));
}
