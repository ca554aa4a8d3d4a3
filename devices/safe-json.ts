/**
 * Decoding untrusted MQTT payloads: strict UTF-8, a nesting limit checked
 * before parsing, and JSON objects without the keys that could reach
 * `Object.prototype` when copied (`__proto__`, `constructor`, `prototype`).
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Keys dropped from every parsed object: assigning them can change prototypes. */
const DANGEROUS_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MAY_NAME_DANGEROUS_KEY = /__proto__|constructor|prototype|\\u/;

/** A payload that cannot be used; `reason` says why in a few words. */
export class PayloadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "PayloadError";
  }
}

/**
 * Decode bytes as UTF-8.
 * @throws PayloadError on invalid UTF-8 (no replacement characters are invented).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new PayloadError("payload is not valid UTF-8");
  }
}

/** Deepest `[`/`{` nesting of a JSON text, ignoring brackets inside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Parse JSON from an untrusted source.
 * @param maxDepth deepest allowed nesting of arrays/objects.
 * @throws PayloadError when the text is not JSON or nests deeper than `maxDepth`.
 */
export function parseJsonSafely(text: string, maxDepth: number): unknown {
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw new PayloadError(`JSON nested ${depth} levels deep (limit ${maxDepth})`);
  try {
    // The reviver costs a call per value; only a text that names a dangerous key (or could, through
    // a \u escape) needs it.
    if (!MAY_NAME_DANGEROUS_KEY.test(text)) return JSON.parse(text);
    return JSON.parse(text, (key, value: unknown) => (DANGEROUS_KEYS.has(key) ? undefined : value));
  } catch (err) {
    throw new PayloadError(`invalid JSON: ${(err as Error).message}`);
  }
}

/** Like parseJsonSafely, but undefined instead of an error (for `value_json`). */
export function tryParseJson(text: string, maxDepth = 64): unknown {
  try {
    return parseJsonSafely(text, maxDepth);
  } catch {
    return undefined;
  }
}
