/**
 * The renderer hearth used before its own interpreter (nunjucks with HA's
 * filters added), kept only as a test oracle: the corpus test checks that
 * every discovery template of ../shared renders as it did. It renders
 * trusted corpus templates only; nunjucks is no sandbox and nothing in
 * hearth's runtime path uses this.
 */
import nunjucks from "nunjucks";

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
const toNumber = (value: unknown, fallback: number, parse: (s: string) => number): number => {
  const n = typeof value === "number" ? value : parse(String(value));
  return Number.isFinite(n) ? n : fallback;
};
env.addFilter("int", (value: unknown, fallback = 0) => Math.trunc(toNumber(value, fallback, parseFloat)));
env.addFilter("float", (value: unknown, fallback = 0) => toNumber(value, fallback, parseFloat));
env.addFilter("round", (value: unknown, precision = 0) => {
  const f = 10 ** precision;
  return Math.round(toNumber(value, 0, parseFloat) * f) / f;
});
env.addFilter("iif", (cond: unknown, ifTrue: unknown = true, ifFalse: unknown = false) => (cond ? ifTrue : ifFalse));
env.addFilter("from_json", (value: unknown) => JSON.parse(String(value)));
env.addFilter("to_json", (value: unknown) => JSON.stringify(value));
env.addFilter("is_defined", (value: unknown) => value !== undefined);
env.addGlobal("iif", (cond: unknown, ifTrue: unknown = true, ifFalse: unknown = false) => (cond ? ifTrue : ifFalse));

/** nunjucks needs dict literal keys quoted (`{0:'off'}` → `{"0":'off'}`), as the old renderer did before compiling. */
function quoteNumericDictKeys(source: string): string {
  return source.replace(/(\{\{|\{%)([\s\S]*?)(\}\}|%\})/g, (_block, open: string, body: string, close: string) => {
    let out = "";
    let quote: string | undefined;
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (quote) {
        out += ch;
        if (ch === "\\") out += body[++i] ?? "";
        else if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        out += ch;
        continue;
      }
      const key = /^([{,]\s*)(-?\d+(?:\.\d+)?)(\s*:)/.exec(body.slice(i));
      if (key) {
        out += `${key[1]}"${key[2]}"${key[3]}`;
        i += key[0].length - 1;
        continue;
      }
      out += ch;
    }
    return open + out + close;
  });
}

/** Render as the pre-interpreter hearth did (output trimmed). @throws whatever nunjucks throws. */
export function renderWithNunjucks(source: string, variables: Record<string, unknown>): string {
  return new nunjucks.Template(quoteNumericDictKeys(source), env, undefined, true).render(variables).trim();
}
