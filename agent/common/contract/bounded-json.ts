/**
 * Bounds on structures that cross a boundary of the control plane: JSON-RPC lines over SSH (both
 * ends) and the console's payloads (Electron IPC, the browser-mode WebSocket). Anything that walks
 * a value recursively (a digest, a logger, JSON.stringify, a schema with recursion) would overflow
 * the stack on a value nested a few thousand levels deep, so depth is refused at the door, before
 * any such code sees the value; the checks here are loops, never recursion.
 */

/** Deepest nesting of arrays and objects a JSON-RPC message may have; real ones stay under 8. */
export const maxJsonDepth = 32;

/** A JSON text that was parsed, or why it was not. */
export type BoundedJson =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'syntax' | 'depth'; message: string };

/**
 * `JSON.parse` with a nesting limit: the depth is measured on the text first (one pass, no
 * recursion, no allocation), so a line of 200,000 `[` never becomes a value.
 */
export function parseBoundedJson(text: string, maxDepth = maxJsonDepth): BoundedJson {
  const depth = jsonTextDepth(text, maxDepth);
  if (depth > maxDepth)
    return { ok: false, reason: 'depth', message: `nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'syntax', message: 'not valid JSON' };
  }
}

/**
 * The deepest nesting of `[` and `{` outside strings, counting stops once past `stopAbove`. The
 * text need not be valid JSON: the parser judges that afterwards.
 */
export function jsonTextDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // A string: jump to its closing quote (one not escaped by an odd run of backslashes).
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && escapedAt(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return deepest;
      i = end;
    } else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}

/** Whether the character at `index` follows an odd number of backslashes. */
function escapedAt(text: string, index: number): boolean {
  let backslashes = 0;
  for (let j = index - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}

/** Limits on a value that arrives already built (Electron IPC gives structured clones). */
export interface ValueLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Arrays, objects and scalars counted together. */
  maxValues: number;
  /** Characters of every string and object key together. */
  maxStringChars: number;
}

/** Limits of a console call's params: the largest real call is a few hundred bytes. */
export const consolePayloadLimits: ValueLimits = {
  maxDepth: maxJsonDepth,
  maxValues: 20_000,
  maxStringChars: 1024 * 1024,
};

/**
 * Why a value breaks the limits, or undefined when it is within them. Iterative; a cyclic value
 * (structured clone allows cycles) ends at `maxValues`.
 */
export function valueLimitBreach(value: unknown, limits: ValueLimits): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  // Counted as values are queued, so one huge array is refused before it is walked.
  let values = 1;
  let chars = 0;
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof item === 'string') chars += item.length;
    else if (item !== null && typeof item === 'object') {
      if (depth + 1 > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
      const keys = Array.isArray(item) ? undefined : isPlainObject(item) ? Object.keys(item) : [];
      values += keys ? keys.length : (item as unknown[]).length;
      if (values > limits.maxValues) return `more than ${limits.maxValues} values`;
      if (keys === undefined) {
        for (const element of item as unknown[]) pending.push({ value: element, depth: depth + 1 });
      } else {
        const record = item as Record<string, unknown>;
        for (const key of keys) {
          chars += key.length;
          pending.push({ value: record[key], depth: depth + 1 });
        }
      }
    }
    if (chars > limits.maxStringChars) return `more than ${limits.maxStringChars} characters of text`;
  }
  return undefined;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
