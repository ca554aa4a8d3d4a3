/** Reading a call's positional and keyword arguments by Python parameter name. */
import { TemplateRenderError } from "./errors.ts";
import { typeName, type Kwargs, type Value } from "./values.ts";

/** The arguments of one call, read by position or keyword (`round(1, method="floor")`). */
export class Args {
  constructor(readonly fn: string, readonly positional: readonly Value[], readonly kwargs: Kwargs) {}

  /** Parameter `index` / `name`, or `fallback` when not given. */
  get(index: number, name: string, fallback?: Value): Value {
    if (index < this.positional.length) return this.positional[index];
    if (this.kwargs.has(name)) return this.kwargs.get(name);
    return fallback;
  }

  given(index: number, name: string): boolean {
    return index < this.positional.length || this.kwargs.has(name);
  }

  string(index: number, name: string, fallback?: string): string {
    const v = this.get(index, name, fallback);
    if (typeof v !== "string") throw new TemplateRenderError(`${this.fn}: ${name} must be a string, not ${typeName(v)}`);
    return v;
  }

  int(index: number, name: string, fallback?: number): number {
    const v = this.get(index, name, fallback === undefined ? undefined : BigInt(fallback));
    if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
    throw new TemplateRenderError(`${this.fn}: ${name} must be an integer, not ${typeName(v)}`);
  }
}

/** The Args of a call to `fn` (named in error messages). */
export function argsOf(fn: string, positional: readonly Value[], kwargs: Kwargs): Args {
  return new Args(fn, positional, kwargs);
}
