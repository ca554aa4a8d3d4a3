/** The syntax tree of a Jinja template: statements (`Node`) and expressions (`Expr`). */
import type { Value } from "./values.ts";

/** An expression. */
export type Expr =
  | { type: "const"; value: Value }
  | { type: "name"; name: string }
  | { type: "list"; items: Expr[] }
  | { type: "tuple"; items: Expr[] }
  | { type: "dict"; pairs: [Expr, Expr][] }
  | { type: "getattr"; object: Expr; name: string }
  | { type: "getitem"; object: Expr; key: Expr }
  | { type: "slice"; object: Expr; start?: Expr; stop?: Expr; step?: Expr }
  | { type: "call"; callee: Expr; args: Expr[]; kwargs: [string, Expr][] }
  | { type: "filter"; name: string; input: Expr; args: Expr[]; kwargs: [string, Expr][] }
  | { type: "test"; name: string; input: Expr; args: Expr[]; negated: boolean }
  | { type: "unary"; op: "not" | "-" | "+"; operand: Expr }
  | { type: "binary"; op: "+" | "-" | "*" | "/" | "//" | "%" | "**" | "~" | "and" | "or"; left: Expr; right: Expr }
  | { type: "compare"; first: Expr; rest: { op: CompareOp; expr: Expr }[] }
  | { type: "cond"; test: Expr; then: Expr; otherwise?: Expr };

/** A comparison operator of a (possibly chained) comparison. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in";

/** Where `set` and `for` store: a name, a tuple of targets (`for k, v in ...`) or a namespace attribute (`ns.x`). */
export type Target = { type: "name"; name: string } | { type: "tuple"; items: Target[] } | { type: "attr"; object: string; name: string };

/** A statement or piece of output. */
export type Node =
  | { type: "text"; value: string }
  | { type: "output"; expr: Expr }
  | { type: "if"; branches: { test: Expr; body: Node[] }[]; otherwise?: Node[] }
  | { type: "for"; target: Target; iter: Expr; filter?: Expr; body: Node[]; otherwise?: Node[] }
  | { type: "set"; target: Target; expr: Expr }
  | { type: "set_block"; target: Target; body: Node[]; filters: { name: string; args: Expr[]; kwargs: [string, Expr][] }[] }
  | { type: "macro"; name: string; params: { name: string; default?: Expr }[]; body: Node[] }
  | { type: "break" }
  | { type: "continue" };
