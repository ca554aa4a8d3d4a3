/**
 * Custom intents' payload and response templates go through hearth's
 * sandboxed Jinja interpreter (devices/template.ts): a template in an intents
 * file cannot reach the JavaScript runtime or stall the agent, and one that
 * does not compile stops loading, naming the file and field.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileCustomIntents, customIntentsSchema } from "../../../agent/intent/custom-intents.ts";
import { responseFor } from "../../../agent/intent/responses.ts";

const intentsWith = (response: string, payload?: string) =>
  compileCustomIntents(customIntentsSchema.parse({
    intents: { fire: { data: [{ sentences: ["fire the {thing}"] }], response, ...(payload ? { action: { mqtt: { topic: "x/fire", payload } } } : {}) } },
    lists: { thing: { wildcard: true } },
  }), "cats.yaml");

const custom = (response: string, slots: Record<string, unknown>) =>
  responseFor({ kind: "custom", intent: "fire", slots, response, messages: [] } as never);

test("a response renders HA's Jinja over the slots", () => {
  assert.equal(custom("Fired the {{ slots.thing | upper }}{% if slots.n > 1 %} {{ slots.n }} times{% endif %}", { thing: "cat", n: 2 }), "Fired the CAT 2 times");
});

test("a response cannot run code: constructor chains are undefined, the render answers without them", () => {
  const out = custom("{{ slots.thing.constructor.constructor('return process.pid')() }}pid", { thing: "cat" });
  assert.ok(!out.includes(String(process.pid)), out);
});

test("a response past its budget answers Done at once instead of stalling", () => {
  const started = performance.now();
  const out = custom("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}", {});
  assert.equal(out, "Done");
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});

test("a response or payload template that does not compile stops loading, naming the file and field", () => {
  assert.throws(() => intentsWith("{{ slots.thing "), /cats\.yaml: intents\.fire\.response:/);
  assert.throws(() => intentsWith("ok", "{{ slots | no_such_filter }}"), /cats\.yaml: intents\.fire\.action\.mqtt\.payload:.*no_such_filter/);
  assert.doesNotThrow(() => intentsWith("Fired {{ slots.thing }}", "{{ slots | tojson }}"));
});
