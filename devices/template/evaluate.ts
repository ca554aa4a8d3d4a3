/**
 * The tree-walking evaluator: renders a parsed template (parser.ts) against
 * variables already turned into template values (values.ts). Every node it
 * evaluates, every loop iteration and every item a filter touches is charged
 * to the render's Budget, the output and every string built are bounded in
 * size, and a wall-clock deadline is checked as steps are spent; past any
 * limit the render throws TemplateBudgetError. Scoping follows Jinja: a `for`
 * body and a macro body get their own scope (a `set` inside a loop does not
 * leak out, which is why `namespace()` exists); `if` does not.
 */
import type { Expr, Node, Target } from "./ast.ts";
import { getAttr, getItem, getSlice } from "./access.ts";
import { Budget, type BudgetLimits } from "./budget.ts";
import { TemplateBudgetError, TemplateRenderError } from "./errors.ts";
import { binaryOp, contains, unaryOp } from "./operators.ts";
import { Callable, compare, Dict, equals, iterate, Obj, repr, resetDeepVisits, str, truthy, tuple, typeName, type CallContext, type Fields, type Kwargs, type Value } from "./values.ts";

/** A filter: `input | name(args)`. */
export type FilterFn = (input: Value, args: Value[], kwargs: Kwargs, ctx: CallContext) => Value;
/** A test: `input is name(args)`. */
export type TestFn = (input: Value, args: Value[], ctx: CallContext) => boolean;

/** What one render may spend: steps and sizes (Budget) and wall-clock milliseconds. */
export interface RenderLimits extends BudgetLimits {
  maxMilliseconds: number;
}

/** The filters, tests and global names a template can use. */
export interface Environment {
  filters: ReadonlyMap<string, FilterFn>;
  tests: ReadonlyMap<string, TestFn>;
  globals: ReadonlyMap<string, Value>;
}

/** Steps between two looks at the clock (Date.now() is cheap, but not free). */
const CLOCK_EVERY = 32;

/** Macro calls nested in one another (recursion), at most; deeper is a budget error, not a host stack overflow. */
export const MAX_CALL_DEPTH = 32;

class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): { found: boolean; value: Value } {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.vars.has(name)) return { found: true, value: s.vars.get(name) };
    }
    return { found: false, value: undefined };
  }
}

type Flow = "break" | "continue" | undefined;

const LOOP_FIELDS = new Set(["index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0", "previtem", "nextitem", "cycle"]);

/** `loop.*` of one iteration, computed when read: most loops never read them, and building them per item would dominate the loop's cost. */
class LoopFields implements Fields {
  constructor(private readonly items: readonly Value[], private readonly i: number) {}

  has(name: string): boolean {
    return LOOP_FIELDS.has(name);
  }

  get(name: string): Value {
    const { items, i } = this;
    const length = items.length;
    switch (name) {
      case "index": return BigInt(i + 1);
      case "index0": return BigInt(i);
      case "revindex": return BigInt(length - i);
      case "revindex0": return BigInt(length - i - 1);
      case "first": return i === 0;
      case "last": return i === length - 1;
      case "length": return BigInt(length);
      case "depth": return 1n;
      case "depth0": return 0n;
      case "previtem": return i > 0 ? items[i - 1] : undefined;
      case "nextitem": return i + 1 < length ? items[i + 1] : undefined;
      case "cycle": return new Callable("loop.cycle", (args) => {
        if (!args.length) throw new TemplateRenderError("no items for cycling given");
        return args[i % args.length];
      });
      default: return undefined;
    }
  }

  set(): void {
    throw new TemplateRenderError("cannot assign to loop attributes");
  }
}

/** An undefined name, so calling it can say which. */
class NamedUndefined {
  constructor(readonly name: string) {}
}

class Renderer implements CallContext {
  private readonly budget: Budget;
  private readonly deadline: number;
  private sinceClock = 0;
  /** Output buffers: the template's, then one per `set` block or macro call being rendered. */
  private readonly buffers: string[][] = [[]];
  private outputSize = 0;
  private callDepth = 0;
  /** The name of the last undefined variable evaluated, for "'x' is undefined" errors. */
  private lastUndefined?: NamedUndefined;

  constructor(private readonly env: Environment, private readonly limits: RenderLimits, private readonly variables: ReadonlyMap<string, Value>) {
    this.budget = new Budget(limits);
    this.deadline = Date.now() + limits.maxMilliseconds;
  }

  step(count = 1): void {
    this.budget.step(count);
    this.sinceClock += count;
    if (this.sinceClock >= CLOCK_EVERY) {
      this.sinceClock = 0;
      if (Date.now() > this.deadline) throw new TemplateBudgetError(`template ran past its budget of ${this.limits.maxMilliseconds} ms`);
    }
  }

  checkSize(size: number, what: string): void {
    this.budget.checkSize(size, what);
  }

  callValue(callee: Value, args: Value[], kwargs: Kwargs = new Map()): Value {
    if (!(callee instanceof Callable)) {
      if (callee === undefined) throw new TemplateRenderError(`${this.lastUndefined ? `'${this.lastUndefined.name}'` : "value"} is undefined and cannot be called`);
      throw new TemplateRenderError(`'${typeName(callee)}' object is not callable`);
    }
    this.step();
    return callee.invoke(args, kwargs, this);
  }

  applyFilter(name: string, input: Value, args: Value[], kwargs: Kwargs = new Map()): Value {
    const filter = this.env.filters.get(name);
    if (!filter) throw new TemplateRenderError(`no filter named '${name}'`);
    this.step();
    const result = filter(input, args, kwargs, this);
    if (typeof result === "string") this.checkSize(result.length, `result of filter ${name}`);
    return result;
  }

  applyTest(name: string, input: Value, args: Value[]): boolean {
    const test = this.env.tests.get(name);
    if (!test) throw new TemplateRenderError(`no test named '${name}'`);
    this.step();
    return test(input, args, this);
  }

  /** Render a node list; returns `break`/`continue` when a loop control ends it early. */
  render(nodes: readonly Node[], scope: Scope): Flow {
    for (const node of nodes) {
      this.step();
      const flow = this.node(node, scope);
      if (flow) return flow;
    }
    return undefined;
  }

  renderTemplate(nodes: readonly Node[]): string {
    this.render(nodes, new Scope());
    return this.buffers[0]!.join("");
  }

  private write(text: string): void {
    if (!text) return;
    this.outputSize += text.length;
    this.checkSize(this.outputSize, "template output");
    this.buffers[this.buffers.length - 1]!.push(text);
  }

  /** Render `nodes` into a string of its own (a `set` block or a macro body). */
  private capture(nodes: readonly Node[], scope: Scope): string {
    this.buffers.push([]);
    try {
      this.render(nodes, scope);
      return this.buffers[this.buffers.length - 1]!.join("");
    } finally {
      this.buffers.pop();
    }
  }

  private node(node: Node, scope: Scope): Flow {
    switch (node.type) {
      case "text":
        this.write(node.value);
        return undefined;
      case "output":
        this.write(str(this.expr(node.expr, scope)));
        return undefined;
      case "if": {
        for (const branch of node.branches) {
          if (truthy(this.expr(branch.test, scope))) return this.render(branch.body, scope);
        }
        return node.otherwise ? this.render(node.otherwise, scope) : undefined;
      }
      case "for":
        return this.forLoop(node, scope);
      case "set":
        this.assign(node.target, this.expr(node.expr, scope), scope);
        return undefined;
      case "set_block": {
        let value: Value = this.capture(node.body, scope);
        for (const f of node.filters) value = this.applyFilter(f.name, value, f.args.map((a) => this.expr(a, scope)), this.kwargs(f.kwargs, scope));
        this.assign(node.target, value, scope);
        return undefined;
      }
      case "macro":
        scope.vars.set(node.name, this.macro(node, scope));
        return undefined;
      case "break":
      case "continue":
        return node.type;
    }
  }

  private forLoop(node: Extract<Node, { type: "for" }>, scope: Scope): Flow {
    const source = this.expr(node.iter, scope);
    let items = iterate(source, "for loop");
    // Materialising the items (a string's characters, a dict's keys) is work too, charged before the first iteration.
    this.step(Math.ceil(items.length / 64));
    if (node.filter) {
      // Jinja filters first, so loop.length and loop.last count only the kept items.
      const kept: Value[] = [];
      for (const item of items) {
        this.step();
        const inner = new Scope(scope);
        this.bind(node.target, item, inner);
        if (truthy(this.expr(node.filter, inner))) kept.push(item);
      }
      items = kept;
    }
    if (!items.length) return node.otherwise ? this.render(node.otherwise, scope) : undefined;
    const length = items.length;
    for (let i = 0; i < length; i++) {
      this.step();
      const inner = new Scope(scope);
      const loop = new Obj("loop", new LoopFields(items, i));
      inner.vars.set("loop", loop);
      this.bind(node.target, items[i], inner);
      const flow = this.render(node.body, inner);
      if (flow === "break") break;
    }
    return undefined;
  }

  private macro(node: Extract<Node, { type: "macro" }>, definedIn: Scope): Callable {
    return new Callable(node.name, (args, kwargs) => {
      if (args.length > node.params.length) throw new TemplateRenderError(`macro '${node.name}' takes not more than ${node.params.length} argument(s)`);
      const inner = new Scope(definedIn);
      node.params.forEach((param, i) => {
        const value = i < args.length ? args[i] : kwargs.has(param.name) ? kwargs.get(param.name) : param.default ? this.expr(param.default, inner) : undefined;
        inner.vars.set(param.name, value);
      });
      for (const key of kwargs.keys()) {
        if (!node.params.some((p) => p.name === key)) throw new TemplateRenderError(`macro '${node.name}' takes no keyword argument '${key}'`);
      }
      if (++this.callDepth > MAX_CALL_DEPTH) throw new TemplateBudgetError(`macro '${node.name}' nested more than ${MAX_CALL_DEPTH} calls deep`);
      try {
        return this.capture(node.body, inner);
      } finally {
        this.callDepth--;
      }
    });
  }

  /** A `for` target: one name or a tuple unpacked from the item. */
  private bind(target: Target, value: Value, scope: Scope): void {
    if (target.type === "name") {
      scope.vars.set(target.name, value);
      return;
    }
    if (target.type === "tuple") {
      const items = iterate(value, "unpacking");
      if (items.length !== target.items.length) throw new TemplateRenderError(`cannot unpack ${items.length} values into ${target.items.length} names`);
      target.items.forEach((t, i) => this.bind(t, items[i], scope));
      return;
    }
    this.assign(target, value, scope);
  }

  private assign(target: Target, value: Value, scope: Scope): void {
    if (target.type === "attr") {
      const ns = scope.lookup(target.object).value ?? this.variables.get(target.object);
      if (!(ns instanceof Obj) || ns.kind !== "namespace") throw new TemplateRenderError(`cannot assign attribute on non-namespace object '${target.object}'`);
      ns.fields.set(target.name, value);
      return;
    }
    this.bind(target, value, scope);
  }

  private kwargs(pairs: readonly [string, Expr][], scope: Scope): Kwargs {
    const out = new Map<string, Value>();
    for (const [name, e] of pairs) out.set(name, this.expr(e, scope));
    return out;
  }

  private lookupName(name: string, scope: Scope): Value {
    const local = scope.lookup(name);
    if (local.found) return local.value;
    if (this.variables.has(name)) return this.variables.get(name);
    if (this.env.globals.has(name)) return this.env.globals.get(name);
    this.lastUndefined = new NamedUndefined(name);
    return undefined;
  }

  expr(e: Expr, scope: Scope): Value {
    this.step();
    switch (e.type) {
      case "const":
        return e.value;
      case "name":
        return this.lookupName(e.name, scope);
      case "list": {
        this.checkSize(e.items.length, "list");
        return e.items.map((item) => this.expr(item, scope));
      }
      case "tuple":
        return tuple(e.items.map((item) => this.expr(item, scope)));
      case "dict": {
        const dict = new Dict();
        for (const [k, v] of e.pairs) dict.set(this.expr(k, scope), this.expr(v, scope));
        return dict;
      }
      case "getattr": {
        const object = this.expr(e.object, scope);
        return this.undefinedOnAccess(object, e.name, e, () => getAttr(object, e.name));
      }
      case "getitem": {
        const object = this.expr(e.object, scope);
        const key = this.expr(e.key, scope);
        return this.undefinedOnAccess(object, key, e, () => getItem(object, key));
      }
      case "slice": {
        const object = this.expr(e.object, scope);
        const part = (p?: Expr) => (p ? this.expr(p, scope) : undefined);
        return getSlice(object, part(e.start), part(e.stop), part(e.step), this);
      }
      case "call": {
        const callee = this.expr(e.callee, scope);
        const undefinedName = callee === undefined ? this.lastUndefined : undefined;
        const args = e.args.map((a) => this.expr(a, scope));
        const kwargs = this.kwargs(e.kwargs, scope);
        if (callee === undefined) this.lastUndefined = undefinedName;
        return this.callValue(callee, args, kwargs);
      }
      case "filter":
        return this.applyFilter(e.name, this.expr(e.input, scope), e.args.map((a) => this.expr(a, scope)), this.kwargs(e.kwargs, scope));
      case "test": {
        const result = this.applyTest(e.name, this.expr(e.input, scope), e.args.map((a) => this.expr(a, scope)));
        return e.negated ? !result : result;
      }
      case "unary": {
        const operand = this.expr(e.operand, scope);
        if (e.op === "not") return !truthy(operand);
        this.failOnUndefined(operand, `unary ${e.op}`);
        return unaryOp(e.op, operand);
      }
      case "binary": {
        const left = this.expr(e.left, scope);
        if (e.op === "and") return truthy(left) ? this.expr(e.right, scope) : left;
        if (e.op === "or") return truthy(left) ? left : this.expr(e.right, scope);
        const right = this.expr(e.right, scope);
        if (e.op !== "~") {
          this.failOnUndefined(left, e.op);
          this.failOnUndefined(right, e.op);
        }
        return binaryOp(e.op, left, right, this);
      }
      case "compare": {
        let left = this.expr(e.first, scope);
        for (const { op, expr } of e.rest) {
          const right = this.expr(expr, scope);
          if (!this.compareOne(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "cond":
        if (truthy(this.expr(e.test, scope))) return this.expr(e.then, scope);
        return e.otherwise ? this.expr(e.otherwise, scope) : undefined;
    }
  }

  /** Looking a member up on Undefined is an error naming the variable, as Jinja's UndefinedError is. */
  private undefinedOnAccess(object: Value, key: Value, access: Expr, lookup: () => Value): Value {
    if (object === undefined) {
      const name = this.lastUndefined?.name;
      throw new TemplateRenderError(`${name ? `'${name}'` : "value"} is undefined (looking up ${typeof key === "string" ? `'${key}'` : str(key)})`);
    }
    const value = lookup();
    if (value === undefined) this.lastUndefined = new NamedUndefined(describe(access));
    return value;
  }

  private failOnUndefined(v: Value, op: string): void {
    if (v === undefined) throw new TemplateRenderError(`${this.lastUndefined ? `'${this.lastUndefined.name}'` : "value"} is undefined (operand of ${op})`);
  }

  private compareOne(op: string, a: Value, b: Value): boolean {
    switch (op) {
      case "==": return equals(a, b);
      case "!=": return !equals(a, b);
      case "in": return contains(b, a, this);
      case "not in": return !contains(b, a, this);
    }
    this.failOnUndefined(a, op);
    this.failOnUndefined(b, op);
    const c = compare(a, b, op);
    switch (op) {
      case "<": return c < 0;
      case "<=": return c <= 0;
      case ">": return c > 0;
      default: return c >= 0;
    }
  }
}

/** A short source-like spelling of a lookup, for "'value_json.a' is undefined". */
function describe(e: Expr): string {
  switch (e.type) {
    case "name": return e.name;
    case "const": return typeof e.value === "string" ? repr(e.value) : str(e.value);
    case "getattr": return `${describe(e.object)}.${e.name}`;
    case "getitem": return `${describe(e.object)}[${e.key.type === "const" || e.key.type === "name" ? describe(e.key) : "…"}]`;
    case "call": return `${describe(e.callee)}(…)`;
    case "filter": return `(… | ${e.name})`;
    default: return "(…)";
  }
}

/**
 * Render `nodes` with `variables` (template values, see values.ts fromHost).
 * @throws TemplateRenderError for a failure on the values, TemplateBudgetError past `limits`.
 */
export function renderNodes(nodes: readonly Node[], variables: ReadonlyMap<string, Value>, env: Environment, limits: RenderLimits): string {
  resetDeepVisits();
  return new Renderer(env, limits, variables).renderTemplate(nodes);
}
