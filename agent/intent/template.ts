/**
 * Sentence templates in the syntax of Home Assistant's intents project
 * (hassil): `[optional words]`, `(one|or|another)`, `{list}` or
 * `{list:slot}` for a slot filled from a list, `<rule>` for a named expansion
 * rule. The text recognizer matches against the parsed tree and the speech
 * recognizer turns the same tree into a decoding grammar, so both understand
 * exactly the same sentences.
 */

export type TemplateNode =
  | { type: "word"; text: string }
  | { type: "sequence"; items: TemplateNode[] }
  /** `(a|b)` or, when optional, `[a|b]`. */
  | { type: "alternative"; options: TemplateNode[]; optional: boolean }
  /** `{list}` fills slot `list`; `{list:slot}` fills slot `slot` from list `list`. */
  | { type: "list"; list: string; slot: string }
  | { type: "rule"; name: string };

/** A template that cannot be parsed; `position` is the character offset. */
export class TemplateSyntaxError extends Error {
  constructor(readonly template: string, readonly position: number, reason: string) {
    super(`template "${template}" at ${position}: ${reason}`);
    this.name = "TemplateSyntaxError";
  }
}

/**
 * Parse one sentence template into a tree. Words are lower-cased; punctuation
 * other than apostrophes and the syntax characters is dropped.
 * @throws TemplateSyntaxError on unbalanced brackets or empty references.
 */
export function parseTemplate(template: string): TemplateNode {
  let pos = 0;

  const parseSequence = (closers: string): TemplateNode => {
    const items: TemplateNode[] = [];
    let word = "";
    const flush = () => {
      const cleaned = word.toLowerCase().replace(/[^\p{L}\p{N}'%°.-]/gu, "");
      if (cleaned) items.push({ type: "word", text: cleaned });
      word = "";
    };
    while (pos < template.length) {
      const ch = template[pos]!;
      if (closers.includes(ch)) break;
      if (ch === "(" || ch === "[") {
        flush();
        pos++;
        items.push(parseAlternative(ch === "(" ? ")" : "]", ch === "["));
      } else if (ch === "{" || ch === "<") {
        flush();
        const close = ch === "{" ? "}" : ">";
        const end = template.indexOf(close, pos);
        if (end < 0) throw new TemplateSyntaxError(template, pos, `missing ${close}`);
        const inner = template.slice(pos + 1, end).trim();
        if (!inner) throw new TemplateSyntaxError(template, pos, "empty reference");
        if (ch === "{") {
          const [list, slot] = inner.split(":").map((s) => s.trim());
          items.push({ type: "list", list: list!, slot: slot || list! });
        } else {
          items.push({ type: "rule", name: inner });
        }
        pos = end + 1;
      } else if (ch === ")" || ch === "]" || ch === "|" || ch === "}" || ch === ">") {
        throw new TemplateSyntaxError(template, pos, `unexpected ${ch}`);
      } else if (/\s/.test(ch)) {
        flush();
        pos++;
      } else {
        word += ch;
        pos++;
      }
    }
    flush();
    return items.length === 1 ? items[0]! : { type: "sequence", items };
  };

  const parseAlternative = (close: string, optional: boolean): TemplateNode => {
    const start = pos - 1;
    const options: TemplateNode[] = [];
    for (;;) {
      options.push(parseSequence("|" + close));
      if (pos >= template.length) throw new TemplateSyntaxError(template, start, `missing ${close}`);
      const ch = template[pos++]!;
      if (ch === close) break;
    }
    return { type: "alternative", options, optional };
  };

  const root = parseSequence("");
  if (pos < template.length) throw new TemplateSyntaxError(template, pos, `unexpected ${template[pos]}`);
  return root;
}
