/**
 * Python's `re.match`, `re.search`, `re.findall` and `re.sub` over the Pike
 * VM, as HA's `regex_match`, `regex_search`, `regex_findall(_index)` and
 * `regex_replace` filters call them. Input is bounded (MAX_REGEX_INPUT) and
 * compiled patterns are cached by source.
 */
import { TemplateRenderError } from "../errors.ts";
import { tuple, type CallContext, type Value } from "../values.ts";
import { compilePattern, type Program } from "./compile.ts";
import { execute } from "./vm.ts";

/** Longest text a regex filter reads, in characters. */
export const MAX_REGEX_INPUT = 16 * 1024;

const cache = new Map<string, Program>();
const CACHE_SIZE = 256;

/**
 * The compiled pattern, from the cache when it was seen before. Its size is
 * charged on every use, cached or not, so a render's budget does not depend
 * on what other renders compiled (a loop compiling a new large pattern per
 * item runs out of steps, not of time).
 */
function program(pattern: string, ignoreCase: boolean, ctx: CallContext): Program {
  const key = `${ignoreCase ? "i" : "-"}${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compilePattern(pattern, ignoreCase);
    cache.set(key, compiled);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  ctx.step(Math.ceil(compiled.code.length / 2));
  return compiled;
}

function checkInput(input: string): void {
  if (input.length > MAX_REGEX_INPUT) throw new TemplateRenderError(`regex input of ${input.length} characters exceeds ${MAX_REGEX_INPUT}`);
}

const charge = (ctx: CallContext) => (steps: number) => ctx.step(steps);

/** `re.match`: a match at the start of `input`. */
export function regexMatch(input: string, pattern: string, ignoreCase: boolean, ctx: CallContext): boolean {
  checkInput(input);
  return execute(program(pattern, ignoreCase, ctx), input, 0, true, charge(ctx)) !== undefined;
}

/** `re.search`: a match anywhere in `input`. */
export function regexSearch(input: string, pattern: string, ignoreCase: boolean, ctx: CallContext): boolean {
  checkInput(input);
  return execute(program(pattern, ignoreCase, ctx), input, 0, false, charge(ctx)) !== undefined;
}

/** Every non-overlapping match's (start, end, slots), as `re.finditer` walks them. */
function* matches(prog: Program, input: string, ctx: CallContext): Generator<number[]> {
  let from = 0;
  while (from <= input.length) {
    const m = execute(prog, input, from, false, charge(ctx));
    if (!m) return;
    yield m.slots;
    const [start, end] = m.slots as [number, number];
    from = end === start ? end + 1 : end;
  }
}

/** `re.findall`: whole matches without groups, the group with one, tuples of groups with several. */
export function regexFindall(input: string, pattern: string, ignoreCase: boolean, ctx: CallContext): Value[] {
  checkInput(input);
  const prog = program(pattern, ignoreCase, ctx);
  const out: Value[] = [];
  for (const slots of matches(prog, input, ctx)) {
    const group = (g: number) => (slots[g * 2]! < 0 ? "" : input.slice(slots[g * 2], slots[g * 2 + 1]));
    if (prog.groups === 0) out.push(group(0));
    else if (prog.groups === 1) out.push(group(1));
    else out.push(tuple(Array.from({ length: prog.groups }, (_, i) => group(i + 1))));
    ctx.checkSize(out.length, "regex_findall result");
  }
  return out;
}

/** `re.sub` with `\1`, `\g<1>`, `\g<name>` and Python's string escapes in the replacement. */
export function regexReplace(input: string, pattern: string, replacement: string, ignoreCase: boolean, ctx: CallContext): string {
  checkInput(input);
  const prog = program(pattern, ignoreCase, ctx);
  let out = "";
  let last = 0;
  for (const slots of matches(prog, input, ctx)) {
    out += input.slice(last, slots[0]);
    out += replacement.replace(/\\(?:g<([^>]*)>|(\d{1,2})|(.))/g, (m, name?: string, digits?: string, other?: string) => {
      if (other !== undefined) return ({ n: "\n", t: "\t", r: "\r", "\\": "\\" } as Record<string, string>)[other] ?? m;
      const ref = name ?? digits!;
      const g = /^\d+$/.test(ref) ? Number(ref) : prog.names.get(ref);
      if (g === undefined || g > prog.groups) throw new TemplateRenderError(`invalid group reference ${ref}`);
      return slots[g * 2]! < 0 ? "" : input.slice(slots[g * 2], slots[g * 2 + 1]);
    });
    last = slots[1]!;
    ctx.checkSize(out.length, "regex_replace result");
  }
  return out + input.slice(last);
}
