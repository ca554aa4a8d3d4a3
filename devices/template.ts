/**
 * Home Assistant templates (`value_template`, `*_command_template`) are Jinja,
 * and they arrive in discovery payloads anyone on the broker can publish. They
 * are rendered by hearth's own interpreter (devices/template/), which
 * evaluates over values it builds itself (None, bools, Python ints and
 * floats, strings, lists, tuples, dicts, datetimes, and its own functions):
 * no lookup, call or operator can reach a JavaScript object, prototype or
 * function, so no template can run code in the agent. Each render has a
 * budget (RENDER_BUDGET: steps, output size, wall time); past it the render
 * throws TemplateBudgetError.
 *
 * Supported, with HA's semantics: `{{ }}`, `{% if/elif/else %}`, `{% for %}`
 * (tuple targets, `if` filter, `else`, `loop.*`, break/continue), `{% set %}`
 * (also block set and `ns.attr`), macros, `{% raw %}`, comments, whitespace
 * control; literals (ints, floats, strings, lists, tuples, dicts with any
 * hashable keys), arithmetic (`+ - * / // % **`), `~`, comparisons (chained),
 * `in`, `and/or/not`, inline `x if c else y`, attribute/item/slice access;
 * the filters of devices/template/filters.ts, the tests of tests.ts, the
 * globals of globals.ts and the Python methods of methods.ts (`keys`,
 * `values`, `items`, `get`, `split`, `replace`, `lower`, `startswith`, ...).
 * Not supported: `include`/`import`/`extends`/`call`/`with`/`filter` blocks,
 * recursive loops, backreferences and lookaround in regexes, timedelta and
 * datetime arithmetic, and HA's state functions (`states()`, `is_state()`,
 * `state_attr()`, areas, devices), which need HA itself.
 */
import { parseAndCheck } from "./template/compile.ts";
import { ENVIRONMENT } from "./template/compile.ts";
import { TemplateBudgetError, TemplateError, TemplateSyntaxError } from "./template/errors.ts";
import { renderNodes } from "./template/evaluate.ts";
import { parseJson } from "./template/json.ts";
import { fromHost, Prepared, type Value } from "./template/values.ts";

export { TemplateBudgetError, TemplateError } from "./template/errors.ts";
export { TemplateRenderError } from "./template/errors.ts";
export { MAX_RANGE } from "./template/globals.ts";

/**
 * What one render may spend: evaluation steps (each expression node, loop
 * iteration, call, and batches of items a filter or regex touches), the size
 * of any string or list built and of the output (characters), and wall-clock
 * milliseconds. Steps are priced so that 10,000 cost at most ~18 ms of CPU on
 * a dev box (bench/template.ts), which is what bounds hostile templates; the
 * wall-clock limit is a last guard against work the step count misjudges, set
 * well above that so a render on a starved machine is not refused for the
 * machine's sake. A template HA users write takes a few dozen to a few hundred steps.
 */
export const RENDER_BUDGET = { steps: 10_000, outputChars: 64 * 1024, milliseconds: 200 } as const;

/**
 * Longest template source accepted, in characters. Discovery templates are a
 * few hundred characters (the longest of the 4,663 in the corpora, a
 * Zigbee2MQTT event template, about 1,700); compiling costs about a
 * microsecond per token, so a 64 KiB one would cost tens of milliseconds per
 * config a hostile publisher sends.
 */
export const MAX_TEMPLATE_LENGTH = 16 * 1024;

/** A compiled template: variables (JSON-like values) → the rendered text, trimmed as HA trims it. */
export type CompiledTemplate = (variables: Record<string, unknown>) => string;

/**
 * Compile a Jinja template once; rendering errors are thrown at render time
 * (TemplateRenderError, or TemplateBudgetError past RENDER_BUDGET).
 * @throws TemplateError when the template does not parse or uses a filter or test hearth lacks.
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_LENGTH) throw new TemplateError(source.slice(0, 80), `template of ${source.length} characters is longer than ${MAX_TEMPLATE_LENGTH}`);
  let nodes;
  try {
    nodes = parseAndCheck(source);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new TemplateError(source, err.offset ? `${err.message} (at offset ${err.offset})` : err.message);
    throw err;
  }
  const limits = { maxSteps: RENDER_BUDGET.steps, maxSize: RENDER_BUDGET.outputChars, maxMilliseconds: RENDER_BUDGET.milliseconds };
  return (variables) => {
    const values = new Map<string, Value>();
    for (const [name, value] of Object.entries(variables)) values.set(name, fromHost(value));
    let output: string;
    try {
      output = renderNodes(nodes, values, ENVIRONMENT, limits).trim();
    } catch (err) {
      // Values nested thousands deep (a list wrapped in itself in a loop) can exhaust the host stack while printed or compared.
      if (err instanceof RangeError && /call stack/.test(err.message)) throw new TemplateBudgetError("template values nested too deeply");
      throw err;
    }
    if (output.length > RENDER_BUDGET.outputChars) throw new TemplateBudgetError(`template output of ${output.length} characters is past the budget of ${RENDER_BUDGET.outputChars}`);
    return output;
  };
}

/**
 * A payload's JSON as template values. JSON.parse is native and ~25 times
 * faster than json.ts, but it reads `21.0` as the JS number 21, which would
 * become the int 21; so it is used only when the text holds no float written
 * with zeros after the point or an exponent, and no int too long for a
 * double. Otherwise json.ts reads it as Python's json would.
 * @throws SyntaxError when the payload is not JSON.
 */
function payloadJson(payload: string): Value {
  if (!/\.0+(?![0-9])|[0-9][eE]|[0-9]{16}/.test(payload)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return parseJson(payload);
    }
    try {
      return fromHost(parsed);
    } catch {
      throw new SyntaxError("JSON nested too deeply");
    }
  }
  return parseJson(payload);
}

/** The last payload parsed and its value: the entities of one device all read the same state message, and values are immutable. */
let lastPayload: { text: string; value: Value } | undefined;

/**
 * Render a `value_template` against an incoming payload: `value` is the raw
 * string, `value_json` the payload parsed as JSON (ints stay ints, `21.0`
 * stays a float, as Python's json reads them) when it parses.
 */
export function renderValueTemplate(template: CompiledTemplate, payload: string): string {
  if (lastPayload?.text !== payload) {
    let value: Value;
    try {
      value = payloadJson(payload);
    } catch {
      value = undefined;
    }
    lastPayload = { text: payload, value };
  }
  return template({ value: payload, value_json: new Prepared(lastPayload.value) });
}
