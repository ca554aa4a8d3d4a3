/**
 * A union of object shapes told apart by which key is present, as in
 * `{sun: below_horizon}` vs `{entity: light.x, state: "off"}`. zod's own
 * `z.union` reports a failed match as one bare "Invalid input" at the union's
 * path; this picks the variant from its key first, so every error names the
 * exact field (`rules.0.conditions.1.offset: ...`).
 */
import { z } from "zod";

/** One variant: the keys that select it (any of them) and its strict schema. */
export interface KeyedVariant<S extends z.ZodType = z.ZodType> {
  keys: string[];
  schema: S;
}

/**
 * Build the union. `what` names the thing in the error for an object that
 * matches no variant ("condition" → "unknown condition: expected one of the keys sun, entity, after, before").
 * Variants are tried in order; the first whose key is present wins.
 */
export function keyedUnion<const V extends readonly KeyedVariant[]>(what: string, variants: V) {
  type Output = z.output<V[number]["schema"]>;
  const allKeys = variants.flatMap((v) => v.keys);
  return z.unknown().transform((value, ctx): Output => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: `expected a ${what}: an object with one of the keys ${allKeys.join(", ")}` });
      return z.NEVER;
    }
    const variant = variants.find((v) => v.keys.some((k) => k in value));
    if (!variant) {
      const present = Object.keys(value);
      ctx.addIssue({ code: "custom", message: `unknown ${what}: expected one of the keys ${allKeys.join(", ")} (got ${present.length ? present.join(", ") : "an empty object"})` });
      return z.NEVER;
    }
    const result = variant.schema.safeParse(value);
    if (result.success) return result.data as Output;
    // Re-raise the variant's issues unchanged so paths and codes (unknown keys) survive.
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}
