/**
 * hassil template constructs that hearth's template parser (template.ts)
 * does not read itself, rewritten into ones it does, so that a user's Home
 * Assistant sentences mean what they meant in HA:
 *
 * - permutations `(a; b; c)`: every order of the items, as alternatives;
 * - alternatives and optionals inside a word, `light[s]`, `turn(s|ed)`,
 *   `(re|un)lock`: the whole word's spellings, as alternatives.
 *
 * Anything else passes through unchanged. A list or rule reference inside a
 * word (`{name}s`) cannot be written as whole words: that is an error.
 */

type Node =
  | { t: "text"; s: string }
  | { t: "space" }
  | { t: "ref"; s: string }
  | { t: "group"; optional: boolean; permutation: boolean; options: Node[][] };

/** A construct hearth cannot express; the caller names the file, intent and sentence. */
export class UnsupportedTemplateError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UnsupportedTemplateError";
  }
}

/** Permutations of more items than this would be too many alternatives (6! = 720). */
const MAX_PERMUTATION_ITEMS = 5;
/** A word with more spellings than this is surely a mistake. */
const MAX_WORD_SPELLINGS = 256;

function parse(template: string): Node[] {
  let pos = 0;
  const seq = (closers: string): { options: Node[][]; separator?: "|" | ";" } => {
    const options: Node[][] = [[]];
    let separator: "|" | ";" | undefined;
    while (pos < template.length) {
      const ch = template[pos]!;
      if (closers.includes(ch)) break;
      const current = options.at(-1)!;
      if (ch === "|" || ch === ";") {
        if (!closers) throw new UnsupportedTemplateError(`"${ch}" outside brackets at ${pos}`);
        if (separator && separator !== ch) throw new UnsupportedTemplateError(`"|" and ";" mixed in one group at ${pos}`);
        separator = ch;
        options.push([]);
        pos++;
      } else if (ch === "(" || ch === "[") {
        const close = ch === "(" ? ")" : "]";
        pos++;
        const inner = seq(close);
        if (template[pos] !== close) throw new UnsupportedTemplateError(`missing ${close}`);
        pos++;
        current.push({ t: "group", optional: ch === "[", permutation: inner.separator === ";", options: inner.options });
      } else if (ch === "{" || ch === "<") {
        const close = ch === "{" ? "}" : ">";
        const end = template.indexOf(close, pos);
        if (end < 0) throw new UnsupportedTemplateError(`missing ${close}`);
        current.push({ t: "ref", s: template.slice(pos, end + 1) });
        pos = end + 1;
      } else if (/\s/.test(ch)) {
        if (current.at(-1)?.t !== "space") current.push({ t: "space" });
        pos++;
      } else {
        const last = current.at(-1);
        if (last?.t === "text") last.s += ch;
        else current.push({ t: "text", s: ch });
        pos++;
      }
    }
    return { options, separator };
  };
  const top = seq("");
  if (pos < template.length) throw new UnsupportedTemplateError(`unexpected ${template[pos]} at ${pos}`);
  return top.options[0]!;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** The plain spellings of nodes that sit inside one word (no references allowed). */
function spellings(nodes: Node[]): string[] {
  let out = [""];
  for (const node of nodes) {
    let parts: string[];
    if (node.t === "text") parts = [node.s];
    else if (node.t === "space") parts = [" "];
    else if (node.t === "ref") throw new UnsupportedTemplateError(`${node.s} inside a word`);
    else {
      const options = node.permutation ? permutations(node.options).map((p) => p.flatMap((o, i) => (i ? [{ t: "space" } as Node, ...o] : o))) : node.options;
      parts = options.flatMap(spellings);
      if (node.optional) parts.push("");
    }
    out = out.flatMap((a) => parts.map((b) => a + b));
    if (out.length > MAX_WORD_SPELLINGS) throw new UnsupportedTemplateError(`more than ${MAX_WORD_SPELLINGS} spellings of one word`);
  }
  return out;
}

function serialize(nodes: Node[]): string {
  let out = "";
  for (let i = 0; i < nodes.length; ) {
    if (nodes[i]!.t === "space") {
      out += " ";
      i++;
      continue;
    }
    let j = i;
    while (j < nodes.length && nodes[j]!.t !== "space") j++;
    const run = nodes.slice(i, j);
    // Several pieces with no space between them, one a group: one word with several spellings ("light[s]").
    if (run.length > 1 && run.some((n) => n.t === "group")) {
      const ref = run.find((n) => n.t === "ref");
      if (ref) {
        // "{brightness}[%]": symbols are words of their own once normalised ("percent"), so a space changes nothing.
        const glued = spellings(run.filter((n) => n.t !== "ref"));
        if (glued.some((w) => /[\p{L}\p{N}]/u.test(w))) throw new UnsupportedTemplateError(`${ref.s} glued to brackets inside one word`);
        out += run.map(serializeNode).join(" ");
        i = j;
        continue;
      }
      const words = [...new Set(spellings(run).map((w) => w.trim()))];
      const filled = words.filter(Boolean);
      out += filled.length === words.length ? `(${filled.join("|")})` : `[${filled.join("|")}]`;
    } else {
      // "{name}s" would be the list and a word "s": no such sentence in HA. "{name}'s" and punctuation are fine.
      for (let k = 1; k < run.length; k++) {
        const [a, b] = [run[k - 1]!, run[k]!];
        const ref = a.t === "ref" && b.t === "text" && /^[\p{L}\p{N}]/u.test(b.s) ? a : b.t === "ref" && a.t === "text" && /[\p{L}\p{N}]$/u.test(a.s) ? b : undefined;
        if (ref?.t === "ref") throw new UnsupportedTemplateError(`${ref.s} glued to letters inside one word`);
      }
      out += run.map(serializeNode).join("");
    }
    i = j;
  }
  return out;
}

function serializeNode(node: Node): string {
  if (node.t === "text" || node.t === "ref") return node.s;
  if (node.t === "space") return " ";
  const [open, close] = node.optional ? ["[", "]"] : ["(", ")"];
  if (node.permutation) {
    if (node.options.length > MAX_PERMUTATION_ITEMS) throw new UnsupportedTemplateError(`a permutation of more than ${MAX_PERMUTATION_ITEMS} items`);
    const orders = permutations(node.options.map((o) => serialize(o).trim()));
    return `${open}${orders.map((o) => o.join(" ")).join("|")}${close}`;
  }
  return `${open}${node.options.map(serialize).join("|")}${close}`;
}

/**
 * Rewrite a hassil template into hearth's subset (see the module comment).
 * @throws UnsupportedTemplateError for constructs with no such rewrite.
 */
export function rewriteHassilTemplate(template: string): string {
  return serialize(parse(template)).replace(/\s+/g, " ").trim();
}

/**
 * Every plain phrase a template without references stands for ("living room[s]"
 * → "living room", "living rooms"), for a list value whose `in` is a template.
 * @throws UnsupportedTemplateError when it holds a list or rule reference.
 */
export function expandPhrase(template: string): string[] {
  return [...new Set(spellings(parse(template)).map((w) => w.replace(/\s+/g, " ").trim()).filter(Boolean))];
}
