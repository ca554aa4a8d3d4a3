/**
 * Compiling a template: parse it, and refuse at once a filter or test the
 * engine does not provide (Jinja also fails those at compile time), so a
 * discovery config with one is reported when it arrives, not on the first
 * state message.
 */
import type { Expr, Node } from "./ast.ts";
import { BUILTIN_FILTERS } from "./filters.ts";
import { GLOBALS } from "./globals.ts";
import { TemplateSyntaxError } from "./errors.ts";
import type { Environment } from "./evaluate.ts";
import { parseTemplate } from "./parser.ts";
import { TESTS } from "./tests.ts";

/** The one environment discovery templates render in. */
export const ENVIRONMENT: Environment = { filters: BUILTIN_FILTERS, tests: TESTS, globals: GLOBALS };

function checkExpr(e: Expr | undefined, env: Environment): void {
  if (!e) return;
  switch (e.type) {
    case "const": case "name": return;
    case "list": case "tuple": e.items.forEach((x) => checkExpr(x, env)); return;
    case "dict": e.pairs.forEach(([k, v]) => { checkExpr(k, env); checkExpr(v, env); }); return;
    case "getattr": checkExpr(e.object, env); return;
    case "getitem": checkExpr(e.object, env); checkExpr(e.key, env); return;
    case "slice": [e.object, e.start, e.stop, e.step].forEach((x) => checkExpr(x, env)); return;
    case "call": checkExpr(e.callee, env); e.args.forEach((x) => checkExpr(x, env)); e.kwargs.forEach(([, x]) => checkExpr(x, env)); return;
    case "filter":
      if (!env.filters.has(e.name)) throw new TemplateSyntaxError(`no filter named '${e.name}'`, 0);
      checkExpr(e.input, env); e.args.forEach((x) => checkExpr(x, env)); e.kwargs.forEach(([, x]) => checkExpr(x, env));
      return;
    case "test":
      if (!env.tests.has(e.name)) throw new TemplateSyntaxError(`no test named '${e.name}'`, 0);
      checkExpr(e.input, env); e.args.forEach((x) => checkExpr(x, env));
      return;
    case "unary": checkExpr(e.operand, env); return;
    case "binary": checkExpr(e.left, env); checkExpr(e.right, env); return;
    case "compare": checkExpr(e.first, env); e.rest.forEach((r) => checkExpr(r.expr, env)); return;
    case "cond": checkExpr(e.test, env); checkExpr(e.then, env); checkExpr(e.otherwise, env); return;
  }
}

function checkNodes(nodes: readonly Node[], env: Environment): void {
  for (const node of nodes) {
    switch (node.type) {
      case "output": checkExpr(node.expr, env); break;
      case "if": node.branches.forEach((b) => { checkExpr(b.test, env); checkNodes(b.body, env); }); if (node.otherwise) checkNodes(node.otherwise, env); break;
      case "for": checkExpr(node.iter, env); checkExpr(node.filter, env); checkNodes(node.body, env); if (node.otherwise) checkNodes(node.otherwise, env); break;
      case "set": checkExpr(node.expr, env); break;
      case "set_block":
        for (const f of node.filters) if (!env.filters.has(f.name)) throw new TemplateSyntaxError(`no filter named '${f.name}'`, 0);
        checkNodes(node.body, env);
        break;
      case "macro": node.params.forEach((p) => checkExpr(p.default, env)); checkNodes(node.body, env); break;
      default: break;
    }
  }
}

/** Parse `source` and check its filters and tests. @throws TemplateSyntaxError. */
export function parseAndCheck(source: string, env: Environment = ENVIRONMENT): Node[] {
  const nodes = parseTemplate(source);
  checkNodes(nodes, env);
  return nodes;
}
