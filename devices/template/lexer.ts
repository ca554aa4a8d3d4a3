/**
 * Jinja's lexer, for the default delimiters Home Assistant uses: text,
 * `{{ expression }}`, `{% statement %}`, `{# comment #}`, whitespace control
 * (`{%-`, `-%}`, `{{-`, `-}}`; `+` accepted and ignored) and `{% raw %}`.
 * Inside a tag: names, Python string literals (with Python's escapes),
 * ints and floats (`1_000`, `1.5e3`) and Jinja's operators. As in Jinja, a
 * `}}` or `%}` inside open brackets does not end the tag.
 */
import { TemplateSyntaxError } from "./errors.ts";

/** The kinds of token. */
export type TokenType = "text" | "var_begin" | "var_end" | "block_begin" | "block_end" | "name" | "string" | "int" | "float" | "op" | "eof";

/** One token of a template. */
export interface Token {
  type: TokenType;
  value: string;
  /** Offset in the source, for error messages. */
  offset: number;
}

const OPERATORS = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", ";"];
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const FLOAT = /(?:\d(?:_?\d)*\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*)/y;
const INT = /\d(?:_?\d)*/y;
const SPACE = /\s+/y;
const RAW_END = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0", "\n": "" };

/** A Python string literal's body with its escapes applied; unknown escapes keep their backslash, as Python does. */
function unescape(body: string): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[++i]!;
    const hex = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (hex && /^[0-9a-fA-F]+$/.test(body.slice(i + 1, i + 1 + hex)) && body.slice(i + 1, i + 1 + hex).length === hex) {
      const code = parseInt(body.slice(i + 1, i + 1 + hex), 16);
      if (code > 0x10ffff) throw new TemplateSyntaxError("invalid \\U escape", i);
      out += String.fromCodePoint(code);
      i += hex;
    } else if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      out += SIMPLE_ESCAPES[next];
    } else {
      out += `\\${next}`;
    }
  }
  return out;
}

/** Split a template into tokens. @throws TemplateSyntaxError for an unclosed tag, comment or string. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  /** Strip whitespace at the end of the last text token (a `{%-` / `{{-` / `{#-` marker). */
  const stripPreviousText = () => {
    const last = tokens[tokens.length - 1];
    if (last?.type === "text") last.value = last.value.replace(/\s+$/, "");
  };
  let stripNextText = false;
  const pushText = (text: string, offset: number) => {
    if (stripNextText) text = text.replace(/^\s+/, "");
    stripNextText = false;
    if (text) tokens.push({ type: "text", value: text, offset });
  };

  while (pos < source.length) {
    const open = source.slice(pos).search(/\{[{%#]/);
    if (open < 0) {
      pushText(source.slice(pos), pos);
      break;
    }
    const start = pos + open;
    pushText(source.slice(pos, start), pos);
    const kind = source[start + 1]!;
    pos = start + 2;
    const marker = source[pos];
    if (marker === "-") stripPreviousText();
    if (marker === "-" || marker === "+") pos++;

    if (kind === "#") {
      const close = source.indexOf("#}", pos);
      if (close < 0) throw new TemplateSyntaxError("unclosed comment", start);
      stripNextText = source[close - 1] === "-";
      pos = close + 2;
      continue;
    }

    tokens.push({ type: kind === "{" ? "var_begin" : "block_begin", value: kind === "{" ? "{{" : "{%", offset: start });
    const endMarker = kind === "{" ? "}}" : "%}";
    let depth = 0;
    for (;;) {
      SPACE.lastIndex = pos;
      if (SPACE.test(source)) pos = SPACE.lastIndex;
      if (pos >= source.length) throw new TemplateSyntaxError(`unclosed ${kind === "{" ? "{{" : "{%"}`, start);
      if (depth === 0) {
        const ws = source[pos] === "-" || source[pos] === "+" ? 1 : 0;
        if (source.startsWith(endMarker, pos + ws)) {
          stripNextText = source[pos] === "-";
          tokens.push({ type: kind === "{" ? "var_end" : "block_end", value: endMarker, offset: pos });
          pos += ws + 2;
          break;
        }
      }
      const ch = source[pos]!;
      if (ch === "'" || ch === '"') {
        let i = pos + 1;
        while (i < source.length && source[i] !== ch) i += source[i] === "\\" ? 2 : 1;
        if (i >= source.length) throw new TemplateSyntaxError("unclosed string literal", pos);
        tokens.push({ type: "string", value: unescape(source.slice(pos + 1, i)), offset: pos });
        pos = i + 1;
        continue;
      }
      const matched = ch >= "0" && ch <= "9" ? matchAt(FLOAT, source, pos) ?? matchAt(INT, source, pos) : undefined;
      if (matched !== undefined) {
        // `foo.0.1` is two subscripts, not a float: after a dot only an int is lexed.
        const afterDot = tokens[tokens.length - 1]?.value === "." && tokens[tokens.length - 1]?.type === "op";
        const text = afterDot ? matchAt(INT, source, pos)! : matched;
        tokens.push({ type: afterDot || text === matchAt(INT, source, pos) ? "int" : "float", value: text.replace(/_/g, ""), offset: pos });
        pos += text.length;
        continue;
      }
      const name = matchAt(NAME, source, pos);
      if (name !== undefined) {
        tokens.push({ type: "name", value: name, offset: pos });
        pos += name.length;
        continue;
      }
      const op = OPERATORS.find((o) => source.startsWith(o, pos));
      if (!op) throw new TemplateSyntaxError(`unexpected character ${JSON.stringify(ch)}`, pos);
      if (op === "(" || op === "[" || op === "{") depth++;
      if (op === ")" || op === "]" || op === "}") depth = Math.max(0, depth - 1);
      tokens.push({ type: "op", value: op, offset: pos });
      pos += op.length;
    }

    // `{% raw %}...{% endraw %}`: the body is text, whatever it holds.
    const n = tokens.length;
    if (kind === "%" && tokens[n - 2]?.type === "name" && tokens[n - 2]!.value === "raw" && tokens[n - 3]?.type === "block_begin") {
      RAW_END.lastIndex = pos;
      const end = RAW_END.exec(source);
      if (!end) throw new TemplateSyntaxError("unclosed {% raw %}", start);
      tokens.splice(n - 3, 3);
      pushText(source.slice(pos, end.index), pos);
      pos = end.index + end[0].length;
    }
  }
  tokens.push({ type: "eof", value: "", offset: source.length });
  return tokens;
}

function matchAt(re: RegExp, source: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(source);
  return m ? m[0] : undefined;
}
