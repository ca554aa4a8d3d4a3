/**
 * Every template of the discovery corpora (../shared/data/mqtt-discovery and
 * the 34,342 Zigbee2MQTT messages of z2m-discovery), rendered with sample
 * values by hearth's interpreter and by the nunjucks renderer it replaced
 * (test/helpers/nunjucks-reference.ts): the outputs agree wherever nunjucks
 * rendered, except where Python prints a value differently (`True` for
 * `true`), and templates nunjucks could not render (dict methods, zip,
 * namespace) now render.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { commandSupport, encodeAction } from "../../devices/commands/encode.ts";
import { buildEntity } from "../../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../../devices/discovery/message.ts";
import { stateBindings } from "../../devices/discovery/state.ts";
import { compileTemplate, renderValueTemplate } from "../../devices/template.ts";
import { renderWithNunjucks } from "../helpers/nunjucks-reference.ts";
import { sharedData, sharedDataMissing } from "../helpers/shared-data.ts";

/** HA's command templates; every other `*template` / `*_tpl` key is rendered against a state payload. */
const isCommandTemplate = (key: string) => /command_template$|command_(on|off)_template$|^set_position_template$|^cmd_t(pl)?$|_cmd_tpl$|^set_pos_tpl$/.test(key);

/** Templates by source, with the config keys they appear under. */
function collectTemplates(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const walk = (value: unknown, key: string) => {
    if (typeof value === "string") {
      if ((/template$|_tpl$/.test(key)) && (value.includes("{{") || value.includes("{%"))) {
        if (!found.has(value)) found.set(value, new Set());
        found.get(value)!.add(key);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v) => walk(v, key));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  const dir = sharedData("mqtt-discovery");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(readFileSync(join(dir, file), "utf8")) as { payload?: unknown };
    walk(doc.payload, "");
  }
  const lines = gunzipSync(readFileSync(sharedData("z2m-discovery", "corpus.jsonl.gz"))).toString("utf8").split("\n").filter(Boolean);
  for (const line of lines) {
    const { payload } = JSON.parse(line) as { payload: string };
    try {
      walk(JSON.parse(payload), "");
    } catch {
      // a deletion (empty payload) or a config the consumer rejects: no template to render
    }
  }
  return found;
}

/** The `value_json` key paths a template reads (`value_json.a`, `value_json["a"]["b"]`), stopping before a method call. */
function jsonPaths(source: string): string[][] {
  const paths: string[][] = [];
  const start = /value_json/g;
  let m: RegExpExecArray | null;
  while ((m = start.exec(source))) {
    const path: string[] = [];
    let rest = source.slice(m.index + m[0].length);
    for (;;) {
      const seg = /^\s*(?:\.([A-Za-z_]\w*)(?!\s*\()|\[\s*(?:"([^"]*)"|'([^']*)')\s*\])/.exec(rest);
      if (!seg) break;
      path.push(seg[1] ?? seg[2] ?? seg[3]!);
      rest = rest.slice(seg[0].length);
    }
    if (path.length) paths.push(path);
  }
  // `"position" in value_json` reads a key too.
  for (const k of source.matchAll(/["'](\w+)["']\s+in\s+value_json/g)) paths.push([k[1]!]);
  return paths;
}

/** A payload holding `leaf` at every path the template reads (the leaf itself when it reads no JSON). */
function samplePayload(paths: string[][], leaf: unknown): string {
  if (!paths.length) return typeof leaf === "string" ? leaf : JSON.stringify(leaf);
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        if (!(key in node) || typeof node[key] !== "object") node[key] = leaf;
      } else {
        if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    });
  }
  return JSON.stringify(root);
}

const STATE_LEAVES: unknown[] = [21.5, "ON", "heat", true, 3, "idle"];
const COMMAND_VALUES: unknown[] = ["ON", 50, 21.5, "heat", "auto", 2];
const COMMAND_VARIABLES = { position: 42, tone: "burglar", volume_level: 0.5, duration: 10, brightness: 128, red: 255, green: 8, blue: 0, hue: 30, sat: 80, x: 0.3, y: 0.4, state: "ON" };

/**
 * Where HA itself fails on a sample (a string compared with a number, `'ON' | float`
 * without a default), nunjucks coerced silently; the interpreter keeps HA's error.
 */
const HA_FAILS_TOO = [/not supported between instances of '(str|int|float)' and '(str|int|float)'/, /got invalid input .* and no default was specified/];

/** Python prints booleans True/False where nunjucks printed true/false. */
const normalise = (s: string) => s.replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, "false");

/** The same output, but for Python's spelling: `True`/`true`, and a whole float printed `3.0` where JavaScript printed `3`. */
function sameOutput(ours: string, theirs: string): boolean {
  if (normalise(ours) === theirs) return true;
  return /^-?\d+\.0$/.test(ours) && Number(ours) === Number(theirs);
}

/**
 * Differences that are Python's semantics, each explained: a dict whose keys
 * are the strings '1'..'9' has no int key 3 (nunjucks, keying objects by
 * string, found one), so HA renders the default.
 */
const PYTHON_SEMANTICS = [
  (source: string, label: string, ours: string) => source.startsWith("{{ {'off':0, '1':1") && /"fan_mode":\d+\}/.test(label) && ours === "None",
];

const missing = sharedDataMissing() ?? (existsSync(sharedData("z2m-discovery", "corpus.jsonl.gz")) ? undefined : "z2m-discovery corpus absent");

test("every corpus template renders as the nunjucks renderer did (or now renders where nunjucks failed)", { skip: missing }, (t) => {
  const templates = collectTemplates();
  assert.ok(templates.size > 4_000, `only ${templates.size} distinct templates found`);
  const differences: string[] = [];
  const newlyFailing: string[] = [];
  const haFailsToo: string[] = [];
  const nowRendering = new Set<string>();
  let renders = 0;
  for (const [source, keys] of templates) {
    const compiled = compileTemplate(source);
    const command = [...keys].some(isCommandTemplate);
    const cases: Array<{ label: string; ours: () => string; theirs: () => string }> = command
      ? COMMAND_VALUES.map((value) => {
          const variables = { ...COMMAND_VARIABLES, value, entity_id: "light.x", name: "X" };
          return { label: `value=${JSON.stringify(value)}`, ours: () => compiled(variables), theirs: () => renderWithNunjucks(source, variables) };
        })
      : STATE_LEAVES.map((leaf) => {
          const payload = samplePayload(jsonPaths(source), leaf);
          let valueJson: unknown;
          try {
            valueJson = JSON.parse(payload);
          } catch {
            valueJson = undefined;
          }
          return { label: payload, ours: () => renderValueTemplate(compiled, payload), theirs: () => renderWithNunjucks(source, { value: payload, value_json: valueJson }) };
        });
    for (const c of cases) {
      renders++;
      let theirs: string | undefined;
      try {
        theirs = c.theirs();
      } catch {
        theirs = undefined;
      }
      let ours: string | undefined;
      let error: string | undefined;
      try {
        ours = c.ours();
      } catch (err) {
        error = (err as Error).message;
      }
      if (theirs === undefined) {
        if (ours !== undefined) nowRendering.add(source);
        continue;
      }
      if (ours === undefined && HA_FAILS_TOO.some((r) => r.test(error!))) haFailsToo.push(`${source.slice(0, 80)} with ${c.label}`);
      else if (ours === undefined) newlyFailing.push(`${source.slice(0, 120)} with ${c.label}: ${error}`);
      else if (!sameOutput(ours, theirs) && !PYTHON_SEMANTICS.some((explained) => explained(source, c.label, ours!))) differences.push(`${source.slice(0, 120)} with ${c.label}: ours ${JSON.stringify(ours)}, nunjucks ${JSON.stringify(theirs)}`);
    }
  }
  t.diagnostic(`${templates.size} distinct templates, ${renders} renders; ${nowRendering.size} templates render that nunjucks could not; ${haFailsToo.length} renders fail as HA would on a mistyped sample`);
  assert.ok(renders > 20_000, `${renders} renders`);
  // Only mistyped samples (a string leaf where the template compares or converts a number) fail as HA fails.
  assert.ok(haFailsToo.length < renders / 100, `${haFailsToo.length} renders fail as HA would: ${haFailsToo.slice(0, 3).join("; ")}`);
  assert.deepEqual(newlyFailing.slice(0, 10), [], `${newlyFailing.length} renders fail that nunjucks rendered`);
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} renders differ`);
  // Templates the old renderer could not render at all: Bosch's values.keys() (issue 12 F03) and the event templates' zip/namespace.
  const fixed = [...nowRendering];
  assert.ok(fixed.some((s) => s.includes("values.keys()")), "the Bosch mode templates render");
  assert.ok(fixed.some((s) => s.includes("zip(p.groups")), "the Zigbee2MQTT event template renders");
});

test("the Zigbee2MQTT event template extracts button and action as HA does", { skip: sharedDataMissing() }, () => {
  const doc = JSON.parse(readFileSync(sharedData("mqtt-discovery", "17_z2m-2.12.1_aqara-button_event-action.json"), "utf8")) as { payload: { value_template: string } };
  const template = compileTemplate(doc.payload.value_template);
  assert.equal(renderValueTemplate(template, '{"action": "button_1_press"}'), '{"button":"button_1","event_type":"press"}');
  assert.equal(renderValueTemplate(template, '{"action": "region_2_enter"}'), '{"region":"2","event_type":"region_enter"}');
  assert.equal(renderValueTemplate(template, '{"action": "dial_rotate_left_fast"}'), '{"direction":"left","speed":"fast","event_type":"dial_rotate"}');
});

const f03 = sharedData("z2m-discovery", "F03-bosch-climate-dict-keys-template.json");
test("issue 12 F03: the Bosch BTH-RA climate's mode templates (values.keys()) read the mode and command it as HA does", { skip: existsSync(f03) ? undefined : `missing ${f03}` }, () => {
  const finding = JSON.parse(readFileSync(f03, "utf8")) as { topic: string; discovery_payload: string; ha_would_publish: { topic: string; payload: string } };
  const m = readDiscoveryMessage(finding.topic, Buffer.from(finding.discovery_payload), "homeassistant", 65_536);
  assert.equal(m.kind, "configs");
  if (m.kind !== "configs") return;
  const discovered = m.configs[0] as ComponentConfig & { config: Record<string, unknown> };
  const built = buildEntity(discovered, { taken: () => false, overrides: {} });
  const entity = built.entity;
  assert.deepEqual(commandSupport(entity), { ok: true });
  assert.deepEqual(encodeAction(entity, { type: "set_hvac_mode", hvac_mode: "heat" }), [{ topic: finding.ha_would_publish.topic, payload: finding.ha_would_publish.payload, qos: 0, retain: false }]);
  const state = '{"operating_mode": "schedule", "local_temperature": 20.5, "running_state": "heat", "occupied_heating_setpoint": 21}';
  for (const binding of stateBindings(discovered.component, discovered.config, built.templates).filter((b) => b.topic === "zigbee2mqtt/Bosch BTH-RA")) {
    const update = binding.read(state, { state: entity.state, attributes: entity.attributes });
    if (update?.state !== undefined) entity.state = update.state;
    if (update?.attributes) Object.assign(entity.attributes, update.attributes);
  }
  assert.equal(entity.state, "auto");
  assert.equal(entity.attributes.current_temperature, 20.5);
  assert.equal(entity.attributes.hvac_action, "heating");
});
