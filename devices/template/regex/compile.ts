/**
 * Python regular expressions (the `re` syntax HA's `regex_*` filters take)
 * compiled for a Pike VM (Thompson's construction with capture slots, as in
 * RE2), so matching costs at most (input length × program size) and can never
 * backtrack catastrophically. Supported: literals and escapes, `.`, classes
 * (`[a-z0-9_]`, `[^...]`, `\d \w \s \D \W \S`), anchors `^ $ \A \Z \b \B`,
 * groups `( )`, `(?: )`, `(?P<name> )`, alternation, greedy and lazy
 * quantifiers `* + ? {m} {m,} {m,n}`, and the inline flags `(?i)`, `(?s)`,
 * `(?m)` at the start. Backreferences and lookaround need backtracking and
 * are refused with an error naming them.
 */
import { TemplateRenderError } from "../errors.ts";

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 1024;
/** Most VM instructions a pattern may compile to (bounds `{m,n}` expansion). */
export const MAX_PROGRAM_SIZE = 4096;

/** One Pike VM instruction. */
export type Instruction =
  | { op: "char"; test: (c: number) => boolean }
  | { op: "split"; first: number; second: number }
  | { op: "jmp"; to: number }
  | { op: "save"; slot: number }
  | { op: "assert"; kind: "bol" | "eol" | "start" | "end" | "absend" | "word" | "notword" }
  | { op: "match" };

/** A compiled pattern. */
export interface Program {
  code: Instruction[];
  /** Capture groups, not counting the whole match (group 0). */
  groups: number;
  names: Map<string, number>;
}

type Node =
  | { t: "char"; test: (c: number) => boolean }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; options: Node[] }
  | { t: "group"; index?: number; body: Node }
  | { t: "repeat"; body: Node; min: number; max: number; lazy: boolean }
  | { t: "assert"; kind: "bol" | "eol" | "start" | "end" | "absend" | "word" | "notword" };

const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && /[\p{L}\p{N}_]/u.test(String.fromCharCode(c)));
const isDigitCode = (c: number) => (c >= 48 && c <= 57) || (c > 127 && /\p{Nd}/u.test(String.fromCharCode(c)));
const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 0x1c || c === 0x1d || c === 0x1e || c === 0x1f || c === 0x85 || c === 0xa0 || (c > 255 && /\s/.test(String.fromCharCode(c)));
/** `\\w`: letters, digits and underscore, Unicode-aware as Python 3's str patterns. */
export const isWordChar = isWordCode;

class PatternParser {
  pos = 0;
  groups = 0;
  names = new Map<string, number>();
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;

  constructor(readonly src: string, ignoreCase: boolean) {
    this.ignoreCase = ignoreCase;
    this.dotAll = false;
    this.multiline = false;
    const flags = /^\(\?([aiLmsux]+)\)/.exec(src);
    if (flags) {
      if (flags[1]!.includes("i")) this.ignoreCase = true;
      if (flags[1]!.includes("s")) this.dotAll = true;
      if (flags[1]!.includes("m")) this.multiline = true;
      this.pos = flags[0].length;
    }
  }

  fail(message: string): never {
    throw new TemplateRenderError(`regular expression ${JSON.stringify(this.src)}: ${message} at position ${this.pos}`);
  }

  parse(): Node {
    const node = this.alternation(0);
    if (this.pos < this.src.length) this.fail("unbalanced parenthesis");
    return node;
  }

  alternation(depth: number): Node {
    if (depth > 100) this.fail("groups nested too deeply");
    const options = [this.sequence(depth)];
    while (this.src[this.pos] === "|") {
      this.pos++;
      options.push(this.sequence(depth));
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  sequence(depth: number): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      let atom = this.atom(depth);
      for (;;) {
        const q = this.quantifier();
        if (!q) break;
        if (atom.t === "assert") this.fail("nothing to repeat");
        atom = { t: "repeat", body: atom, ...q };
      }
      items.push(atom);
    }
    return { t: "seq", items };
  }

  quantifier(): { min: number; max: number; lazy: boolean } | undefined {
    const ch = this.src[this.pos];
    let min: number;
    let max: number;
    if (ch === "*") [min, max] = [0, Infinity];
    else if (ch === "+") [min, max] = [1, Infinity];
    else if (ch === "?") [min, max] = [0, 1];
    else if (ch === "{") {
      const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m || (m[1] === "" && m[2] === undefined)) return undefined;
      min = m[1] === "" ? 0 : Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      if (max < min) this.fail("min repeat greater than max repeat");
      this.pos += m[0].length - 1;
    } else return undefined;
    this.pos++;
    const lazy = this.src[this.pos] === "?";
    if (lazy) this.pos++;
    if (this.src[this.pos] === "+") this.fail("possessive quantifiers are not supported");
    return { min, max, lazy };
  }

  literal(code: number): { t: "char"; test: (c: number) => boolean } {
    if (!this.ignoreCase) return { t: "char", test: (c) => c === code };
    const s = String.fromCharCode(code);
    const lower = s.toLowerCase().charCodeAt(0);
    const upper = s.toUpperCase().charCodeAt(0);
    return { t: "char", test: (c) => c === lower || c === upper };
  }

  atom(depth: number): Node {
    const ch = this.src[this.pos++]!;
    switch (ch) {
      case ".": return { t: "char", test: this.dotAll ? () => true : (c) => c !== 10 };
      case "^": return { t: "assert", kind: this.multiline ? "bol" : "start" };
      case "$": return { t: "assert", kind: this.multiline ? "eol" : "end" };
      case "[": return this.charClass();
      case "\\": return this.escape(false) as Node;
      case "(": {
        let index: number | undefined;
        if (this.src[this.pos] === "?") {
          const rest = this.src.slice(this.pos);
          const named = /^\?P<([A-Za-z_]\w*)>/.exec(rest);
          if (rest.startsWith("?:")) this.pos += 2;
          else if (named) {
            index = ++this.groups;
            if (this.names.has(named[1]!)) this.fail(`redefinition of group name ${named[1]}`);
            this.names.set(named[1]!, index);
            this.pos += named[0].length;
          } else if (/^\?(P=|=|!|<=|<!)/.test(rest)) this.fail("backreferences and lookaround are not supported");
          else this.fail("unknown extension");
        } else {
          index = ++this.groups;
        }
        const body = this.alternation(depth + 1);
        if (this.src[this.pos] !== ")") this.fail("missing ), unterminated subpattern");
        this.pos++;
        return { t: "group", index, body };
      }
      case ")": return this.fail("unbalanced parenthesis");
      case "*": case "+": case "?": return this.fail("nothing to repeat");
      default: return this.literal(ch.charCodeAt(0));
    }
  }

  /** An escape after `\`; inside a class only character tests are allowed. */
  escape(inClass: boolean): Node | { t: "char"; test: (c: number) => boolean; code?: number } {
    const ch = this.src[this.pos++];
    if (ch === undefined) this.fail("bad escape (end of pattern)");
    switch (ch) {
      case "d": return { t: "char", test: isDigitCode };
      case "D": return { t: "char", test: (c) => !isDigitCode(c) };
      case "w": return { t: "char", test: isWordCode };
      case "W": return { t: "char", test: (c) => !isWordCode(c) };
      case "s": return { t: "char", test: isSpaceCode };
      case "S": return { t: "char", test: (c) => !isSpaceCode(c) };
    }
    if (!inClass) {
      if (ch === "b") return { t: "assert", kind: "word" };
      if (ch === "B") return { t: "assert", kind: "notword" };
      if (ch === "A") return { t: "assert", kind: "start" };
      // Python's \Z is the very end; `$` also matches before a final newline.
      if (ch === "Z") return { t: "assert", kind: "absend" };
      if (/[1-9]/.test(ch)) this.fail("backreferences are not supported");
    }
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7, "0": 0 };
    if (inClass && ch === "b") return { ...this.literal(8), code: 8 };
    if (Object.hasOwn(simple, ch)) return { ...this.literal(simple[ch]!), code: simple[ch] };
    const hex = ch === "x" ? 2 : ch === "u" ? 4 : ch === "U" ? 8 : 0;
    if (hex) {
      const digits = this.src.slice(this.pos, this.pos + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) this.fail(`incomplete escape \\${ch}`);
      this.pos += hex;
      const code = parseInt(digits, 16);
      return { ...this.literal(code), code };
    }
    if (/[A-Za-z]/.test(ch)) this.fail(`bad escape \\${ch}`);
    return { ...this.literal(ch.charCodeAt(0)), code: ch.charCodeAt(0) };
  }

  charClass(): Node {
    const negate = this.src[this.pos] === "^";
    if (negate) this.pos++;
    const tests: ((c: number) => boolean)[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= this.src.length) this.fail("unterminated character set");
      let ch = this.src[this.pos]!;
      if (ch === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      let low: number | undefined;
      if (ch === "\\") {
        this.pos++;
        const e = this.escape(true) as { test: (c: number) => boolean; code?: number };
        if (e.code === undefined) {
          tests.push(e.test);
          continue;
        }
        low = e.code;
      } else {
        low = ch.charCodeAt(0);
        this.pos++;
      }
      if (this.src[this.pos] === "-" && this.src[this.pos + 1] !== "]" && this.pos + 1 < this.src.length) {
        this.pos++;
        ch = this.src[this.pos]!;
        let high: number;
        if (ch === "\\") {
          this.pos++;
          const e = this.escape(true) as { code?: number };
          if (e.code === undefined) this.fail("bad character range");
          high = e.code;
        } else {
          high = ch.charCodeAt(0);
          this.pos++;
        }
        if (high < low) this.fail("bad character range");
        const lo = low;
        if (this.ignoreCase) {
          tests.push((c) => {
            const s = String.fromCharCode(c);
            return [c, s.toLowerCase().charCodeAt(0), s.toUpperCase().charCodeAt(0)].some((x) => x >= lo && x <= high);
          });
        } else tests.push((c) => c >= lo && c <= high);
      } else {
        tests.push((this.literal(low) as { test: (c: number) => boolean }).test);
      }
    }
    return { t: "char", test: negate ? (c) => !tests.some((t) => t(c)) : (c) => tests.some((t) => t(c)) };
  }
}

class Emitter {
  code: Instruction[] = [];

  emit(i: Instruction): number {
    if (this.code.length >= MAX_PROGRAM_SIZE) throw new TemplateRenderError(`regular expression too complex (more than ${MAX_PROGRAM_SIZE} instructions)`);
    this.code.push(i);
    return this.code.length - 1;
  }

  node(n: Node): void {
    switch (n.t) {
      case "char": this.emit({ op: "char", test: n.test }); return;
      case "assert": this.emit({ op: "assert", kind: n.kind }); return;
      case "seq": for (const item of n.items) this.node(item); return;
      case "group":
        if (n.index !== undefined) this.emit({ op: "save", slot: n.index * 2 });
        this.node(n.body);
        if (n.index !== undefined) this.emit({ op: "save", slot: n.index * 2 + 1 });
        return;
      case "alt": {
        const jumps: number[] = [];
        n.options.forEach((option, i) => {
          if (i < n.options.length - 1) {
            const split = this.emit({ op: "split", first: 0, second: 0 });
            (this.code[split] as { first: number }).first = this.code.length;
            this.node(option);
            jumps.push(this.emit({ op: "jmp", to: 0 }));
            (this.code[split] as { second: number }).second = this.code.length;
          } else this.node(option);
        });
        for (const j of jumps) (this.code[j] as { to: number }).to = this.code.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < n.min; i++) this.node(n.body);
        if (n.max === Infinity) {
          const split = this.emit({ op: "split", first: 0, second: 0 });
          this.node(n.body);
          this.emit({ op: "jmp", to: split });
          this.patchSplit(split, split + 1, this.code.length, n.lazy);
          return;
        }
        const splits: number[] = [];
        for (let i = n.min; i < n.max; i++) {
          const split = this.emit({ op: "split", first: 0, second: 0 });
          splits.push(split);
          this.node(n.body);
        }
        for (const s of splits) this.patchSplit(s, s + 1, this.code.length, n.lazy);
      }
    }
  }

  patchSplit(at: number, body: number, after: number, lazy: boolean): void {
    const split = this.code[at] as { first: number; second: number };
    split.first = lazy ? after : body;
    split.second = lazy ? body : after;
  }
}

/** Compile a Python pattern. @throws TemplateRenderError for bad, unsupported or too large patterns. */
export function compilePattern(pattern: string, ignoreCase: boolean): Program {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new TemplateRenderError(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
  const parser = new PatternParser(pattern, ignoreCase);
  const tree = parser.parse();
  const emitter = new Emitter();
  emitter.emit({ op: "save", slot: 0 });
  emitter.node({ t: "group", body: tree });
  emitter.emit({ op: "save", slot: 1 });
  emitter.emit({ op: "match" });
  return { code: emitter.code, groups: parser.groups, names: parser.names };
}
