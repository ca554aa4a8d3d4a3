/**
 * Removes secrets before anything is logged, published or printed by
 * `hearth status`: values of keys that name a secret, any string equal to
 * a known secret value wherever it appears, and passwords inside URLs.
 */
const SECRET_KEY = /pass(word)?|secret|token|access_?key|api_?key|private|credential/i;

export const REDACTED = "[redacted]";

/** The password in `scheme://user:password@host` (camera stream URLs carry them). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi;

/**
 * A pattern for a secret and the forms text normalisation makes of it: any
 * case, and any separators between its letter and digit runs ("S3cr3t-Pw" is
 * also found as "s3cr3t pw" in a recognised slot or a response).
 */
function secretPattern(secret: string): RegExp {
  const runs = secret.match(/[\p{L}\p{N}]+/gu) ?? [];
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const loose = runs.map(escape).join("[^\\p{L}\\p{N}]*");
  return new RegExp(runs.length > 1 ? `${escape(secret)}|${loose}` : escape(secret), "giu");
}

/** A deep copy of `value` with secret fields and known secret strings replaced. */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
  const known = secrets.filter((s) => s.length >= 4).map(secretPattern);
  const scrub = (v: unknown, key?: string): unknown => {
    if (key !== undefined && SECRET_KEY.test(key) && v !== undefined && v !== null && typeof v !== "object") return REDACTED;
    if (typeof v === "string") return known.reduce((s, pattern) => s.replace(pattern, REDACTED), v).replace(URL_PASSWORD, `$1${REDACTED}@`);
    if (Array.isArray(v)) return v.map((item) => scrub(item));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[k] = scrub(inner, k);
      return out;
    }
    return v;
  };
  return scrub(value) as T;
}
