/**
 * Jinja's grammar, as its parser (jinja2/parser.py) defines precedence:
 * conditional `a if c else b` < `or` < `and` < `not` < comparisons (chained,
 * `in`, `not in`) < `+ -` < `~` < `* / // %` < `**` (left-associative, as in
 * Jinja) < unary `- +` < primaries with postfix `.attr`, `[key]`, `[a:b:c]`,
 * calls, filters `|f(args)` and tests `is [not] t args`.
 * Statements: if/elif/else, for (with `if` filter and `else`), set (names,
 * tuples, `ns.attr`, block set), macro, break/continue (HA enables
 * loopcontrols). Anything else (`include`, `import`, `extends`, `call`,
 * `with`, `filter` blocks) is a syntax error naming the tag.
 */
import type { CompareOp, Expr, Node, Target } from "./ast.ts";
import { TemplateSyntaxError } from "./errors.ts";
import { tokenize, type Token } from "./lexer.ts";
import { MAX_INT_DIGITS } from "./numbers.ts";

/** Nesting of brackets and blocks a template may use; deeper is a syntax error (keeps recursion bounded). */
const MAX_DEPTH = 100;

const CONSTANTS = new Map<string, boolean | null>([["true", true], ["True", true], ["false", false], ["False", false], ["none", null], ["None", null]]);

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private fail(message: string, token = this.token): never {
    throw new TemplateSyntaxError(message, token.offset);
  }

  private isOp(value: string, token = this.token): boolean {
    return token.type === "op" && token.value === value;
  }

  private isName(value: string, token = this.token): boolean {
    return token.type === "name" && token.value === value;
  }

  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.pos++;
    return true;
  }

  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.pos++;
    return true;
  }

  private expectOp(value: string): void {
    if (!this.skipOp(value)) this.fail(`expected '${value}', got ${describe(this.token)}`);
  }

  private expectType(type: Token["type"]): Token {
    if (this.token.type !== type) this.fail(`expected ${type.replace("_", " ")}, got ${describe(this.token)}`);
    return this.next();
  }

  private nameToken(): string {
    return this.expectType("name").value;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
  }

  /** The whole template. */
  template(): Node[] {
    const body = this.body([]);
    if (this.token.type !== "eof") this.fail(`unexpected ${describe(this.tokens[this.pos + 1] ?? this.token)}`);
    return body;
  }

  /** Nodes up to a `{% <one of ends> %}` tag (left unconsumed after its `{%`) or the end. */
  private body(ends: string[]): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      const token = this.token;
      if (token.type === "eof") {
        if (ends.length) this.fail(`missing {% ${ends[ends.length - 1]} %}`);
        return nodes;
      }
      if (token.type === "text") {
        nodes.push({ type: "text", value: this.next().value });
      } else if (token.type === "var_begin") {
        this.next();
        nodes.push({ type: "output", expr: this.tupleOrExpression() });
        this.expectType("var_end");
      } else if (token.type === "block_begin") {
        const tag = this.tokens[this.pos + 1]!;
        if (tag.type === "name" && ends.includes(tag.value)) {
          this.next();
          return nodes;
        }
        this.next();
        nodes.push(this.statement());
      } else {
        this.fail(`unexpected ${describe(token)}`);
      }
    }
  }

  private statement(): Node {
    const tag = this.token;
    if (tag.type !== "name") this.fail(`expected a statement, got ${describe(tag)}`);
    this.enter();
    this.next();
    let node: Node;
    switch (tag.value) {
      case "if": node = this.ifStatement(); break;
      case "for": node = this.forStatement(); break;
      case "set": node = this.setStatement(); break;
      case "macro": node = this.macroStatement(); break;
      case "break": case "continue":
        this.expectType("block_end");
        node = { type: tag.value };
        break;
      default:
        this.fail(`unsupported tag '${tag.value}'`, tag);
    }
    this.depth--;
    return node;
  }

  private ifStatement(): Node {
    const branches: { test: Expr; body: Node[] }[] = [];
    let otherwise: Node[] | undefined;
    let test = this.expression();
    for (;;) {
      this.expectType("block_end");
      const body = this.body(["elif", "else", "endif"]);
      branches.push({ test, body });
      const tag = this.nameToken();
      if (tag === "elif") {
        test = this.expression();
        continue;
      }
      if (tag === "else") {
        this.expectType("block_end");
        otherwise = this.body(["endif"]);
        this.nameToken();
      }
      this.expectType("block_end");
      return { type: "if", branches, otherwise };
    }
  }

  private forStatement(): Node {
    const target = this.assignTarget(false);
    if (!this.skipName("in")) this.fail(`expected 'in', got ${describe(this.token)}`);
    const iter = this.tupleOrExpression(false);
    let filter: Expr | undefined;
    if (this.skipName("if")) filter = this.expression();
    if (this.isName("recursive")) this.fail("recursive loops are not supported");
    this.expectType("block_end");
    const body = this.body(["else", "endfor"]);
    let otherwise: Node[] | undefined;
    if (this.nameToken() === "else") {
      this.expectType("block_end");
      otherwise = this.body(["endfor"]);
      this.nameToken();
    }
    this.expectType("block_end");
    return { type: "for", target, iter, filter, body, otherwise };
  }

  private setStatement(): Node {
    const target = this.assignTarget(true);
    if (this.skipOp("=")) {
      const expr = this.tupleOrExpression();
      this.expectType("block_end");
      return { type: "set", target, expr };
    }
    const filters: { name: string; args: Expr[]; kwargs: [string, Expr][] }[] = [];
    while (this.skipOp("|")) {
      const name = this.dottedName();
      const { args, kwargs } = this.isOp("(") ? this.callArgs() : { args: [], kwargs: [] };
      filters.push({ name, args, kwargs });
    }
    this.expectType("block_end");
    const body = this.body(["endset"]);
    this.nameToken();
    this.expectType("block_end");
    return { type: "set_block", target, body, filters };
  }

  private macroStatement(): Node {
    const name = this.nameToken();
    const params: { name: string; default?: Expr }[] = [];
    this.expectOp("(");
    while (!this.isOp(")")) {
      if (params.length) this.expectOp(",");
      if (this.isOp(")")) break;
      const param = this.nameToken();
      params.push({ name: param, default: this.skipOp("=") ? this.expression() : undefined });
    }
    this.expectOp(")");
    this.expectType("block_end");
    const body = this.body(["endmacro"]);
    this.nameToken();
    this.expectType("block_end");
    return { type: "macro", name, params, body };
  }

  /** `x`, `a, b`, `(a, b)`, and for `set` also `ns.attr`. */
  private assignTarget(allowAttr: boolean): Target {
    const one = (): Target => {
      if (this.skipOp("(")) {
        const inner = this.assignTarget(false);
        this.expectOp(")");
        return inner;
      }
      const name = this.nameToken();
      if (allowAttr && this.skipOp(".")) return { type: "attr", object: name, name: this.nameToken() };
      if (CONSTANTS.has(name)) this.fail(`cannot assign to '${name}'`);
      return { type: "name", name };
    };
    const first = one();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.skipOp(",")) {
      if (this.isName("in") || this.isOp("=")) break;
      items.push(one());
    }
    return { type: "tuple", items };
  }

  /** An expression, or a bare tuple `a, b` (as in `{{ 1, 2 }}` and `for x in 1, 2`). */
  private tupleOrExpression(withCondition = true): Expr {
    const first = withCondition ? this.expression() : this.or();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.skipOp(",")) {
      if (this.token.type === "var_end" || this.token.type === "block_end" || this.isName("if")) break;
      items.push(withCondition ? this.expression() : this.or());
    }
    return { type: "tuple", items };
  }

  expression(): Expr {
    this.enter();
    let expr = this.or();
    while (this.skipName("if")) {
      const test = this.or();
      const otherwise = this.skipName("else") ? this.expression() : undefined;
      expr = { type: "cond", test, then: expr, otherwise };
    }
    this.depth--;
    return expr;
  }

  private or(): Expr {
    let left = this.and();
    while (this.skipName("or")) left = { type: "binary", op: "or", left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.skipName("and")) left = { type: "binary", op: "and", left, right: this.not() };
    return left;
  }

  private not(): Expr {
    if (this.skipName("not")) {
      this.enter();
      const operand = this.not();
      this.depth--;
      return { type: "unary", op: "not", operand };
    }
    return this.compare();
  }

  private compare(): Expr {
    const first = this.add();
    const rest: { op: CompareOp; expr: Expr }[] = [];
    for (;;) {
      const t = this.token;
      let op: CompareOp | undefined;
      if (t.type === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.value)) op = t.value as CompareOp;
      else if (this.isName("in")) op = "in";
      else if (this.isName("not") && this.isName("in", this.tokens[this.pos + 1]!)) {
        this.pos++;
        op = "not in";
      }
      if (!op) break;
      this.pos++;
      rest.push({ op, expr: this.add() });
    }
    return rest.length ? { type: "compare", first, rest } : first;
  }

  private add(): Expr {
    let left = this.concat();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().value as "+" | "-";
      left = { type: "binary", op, left, right: this.concat() };
    }
    return left;
  }

  private concat(): Expr {
    let left = this.multiply();
    while (this.skipOp("~")) left = { type: "binary", op: "~", left, right: this.multiply() };
    return left;
  }

  private multiply(): Expr {
    let left = this.power();
    while (["*", "/", "//", "%"].some((o) => this.isOp(o))) {
      const op = this.next().value as "*" | "/" | "//" | "%";
      left = { type: "binary", op, left, right: this.power() };
    }
    return left;
  }

  private power(): Expr {
    let left = this.unary(true);
    while (this.skipOp("**")) left = { type: "binary", op: "**", left, right: this.unary(true) };
    return left;
  }

  private unary(withFilter: boolean): Expr {
    this.enter();
    let expr: Expr;
    if (this.isOp("-") || this.isOp("+")) {
      const op = this.next().value as "-" | "+";
      expr = { type: "unary", op, operand: this.unary(false) };
    } else {
      expr = this.primary();
    }
    expr = this.postfix(expr);
    if (withFilter) expr = this.filters(expr);
    this.depth--;
    return expr;
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case "name":
        if (CONSTANTS.has(t.value)) return { type: "const", value: CONSTANTS.get(t.value)! };
        return { type: "name", name: t.value };
      case "string": {
        let value = t.value;
        while (this.token.type === "string") value += this.next().value;
        return { type: "const", value };
      }
      case "int":
        if (t.value.length > MAX_INT_DIGITS) this.fail(`integer literal of more than ${MAX_INT_DIGITS} digits`, t);
        return { type: "const", value: BigInt(t.value) };
      case "float":
        return { type: "const", value: Number(t.value) };
      case "op":
        if (t.value === "(") {
          if (this.skipOp(")")) return { type: "tuple", items: [] };
          const first = this.expression();
          if (this.skipOp(")")) return first;
          const items = [first];
          while (this.skipOp(",")) {
            if (this.isOp(")")) break;
            items.push(this.expression());
          }
          this.expectOp(")");
          return { type: "tuple", items };
        }
        if (t.value === "[") {
          const items: Expr[] = [];
          while (!this.isOp("]")) {
            if (items.length) this.expectOp(",");
            if (this.isOp("]")) break;
            items.push(this.expression());
          }
          this.expectOp("]");
          return { type: "list", items };
        }
        if (t.value === "{") {
          const pairs: [Expr, Expr][] = [];
          while (!this.isOp("}")) {
            if (pairs.length) this.expectOp(",");
            if (this.isOp("}")) break;
            const key = this.expression();
            this.expectOp(":");
            pairs.push([key, this.expression()]);
          }
          this.expectOp("}");
          return { type: "dict", pairs };
        }
    }
    this.fail(`unexpected ${describe(t)}`, t);
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      if (this.skipOp(".")) {
        const t = this.next();
        if (t.type === "name") expr = { type: "getattr", object: expr, name: t.value };
        else if (t.type === "int") expr = { type: "getitem", object: expr, key: { type: "const", value: BigInt(t.value) } };
        else this.fail(`expected an attribute name, got ${describe(t)}`, t);
      } else if (this.isOp("[")) {
        this.next();
        expr = this.subscript(expr);
      } else if (this.isOp("(")) {
        const { args, kwargs } = this.callArgs();
        expr = { type: "call", callee: expr, args, kwargs };
      } else {
        return expr;
      }
    }
  }

  private subscript(object: Expr): Expr {
    const part = (): Expr | undefined => (this.isOp(":") || this.isOp("]") ? undefined : this.expression());
    const start = part();
    if (!this.isOp(":")) {
      if (!start) this.fail("expected a subscript");
      const items = [start];
      while (this.skipOp(",")) items.push(this.expression());
      this.expectOp("]");
      return { type: "getitem", object, key: items.length === 1 ? start : { type: "tuple", items } };
    }
    this.next();
    const stop = part();
    const step = this.skipOp(":") ? part() : undefined;
    this.expectOp("]");
    return { type: "slice", object, start, stop, step };
  }

  private callArgs(): { args: Expr[]; kwargs: [string, Expr][] } {
    this.expectOp("(");
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    while (!this.isOp(")")) {
      if (args.length || kwargs.length) this.expectOp(",");
      if (this.isOp(")")) break;
      if (this.token.type === "name" && this.isOp("=", this.tokens[this.pos + 1]!)) {
        const name = this.next().value;
        this.next();
        kwargs.push([name, this.expression()]);
      } else {
        if (kwargs.length) this.fail("positional argument follows keyword argument");
        args.push(this.expression());
      }
    }
    this.expectOp(")");
    return { args, kwargs };
  }

  private dottedName(): string {
    let name = this.nameToken();
    while (this.isOp(".") && this.tokens[this.pos + 1]?.type === "name") {
      this.next();
      name += `.${this.nameToken()}`;
    }
    return name;
  }

  private filters(expr: Expr): Expr {
    for (;;) {
      if (this.skipOp("|")) {
        const name = this.dottedName();
        const { args, kwargs } = this.isOp("(") ? this.callArgs() : { args: [], kwargs: [] };
        expr = { type: "filter", name, input: expr, args, kwargs };
      } else if (this.skipName("is")) {
        const negated = this.skipName("not");
        const name = this.dottedName();
        let args: Expr[] = [];
        if (this.isOp("(")) {
          args = this.callArgs().args;
        } else if (this.startsTestArgument()) {
          args = [this.postfix(this.primary())];
        }
        expr = { type: "test", name, input: expr, args, negated };
      } else if (this.isOp("(")) {
        const { args, kwargs } = this.callArgs();
        expr = { type: "call", callee: expr, args, kwargs };
      } else {
        return expr;
      }
    }
  }

  /** Jinja's rule for a test's bare argument (`is divisibleby 3`, `is sameas false`). */
  private startsTestArgument(): boolean {
    const t = this.token;
    if (t.type === "string" || t.type === "int" || t.type === "float") return true;
    if (t.type === "op") return t.value === "[" || t.value === "{";
    if (t.type === "name") return !["else", "or", "and", "if", "not", "in", "is"].includes(t.value);
    return false;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case "eof": return "end of template";
    case "var_end": return "end of print statement";
    case "block_end": return "end of statement block";
    case "text": return "text";
    case "string": return `string ${JSON.stringify(token.value)}`;
    default: return `'${token.value}'`;
  }
}

/** Parse a template into its syntax tree. @throws TemplateSyntaxError. */
export function parseTemplate(source: string): Node[] {
  return new Parser(tokenize(source)).template();
}
