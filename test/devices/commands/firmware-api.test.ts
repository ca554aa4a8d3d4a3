/**
 * Round trip for the firmwares people run besides Zigbee2MQTT: the discovery
 * payloads Tasmota (SetOption19), ESPHome and Shelly Gen1 (through
 * ha-shellies-discovery) publish (test/fixtures/firmware-discovery/, written
 * from their documentation) go through hearth's real discovery consumer; each
 * command is encoded by hearth's real encoder and must be one that firmware's
 * MQTT API accepts (test/helpers/firmware-api.ts), with the effect asked for.
 * The Zigbee2MQTT round trip runs Zigbee2MQTT's own code: bench/z2m-roundtrip.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import type { Action } from "../../../devices/commands/action.ts";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { DiscoveryConsumer, type DiscoveryWarning, type MessageSource } from "../../../devices/discovery/consumer.ts";
import type { Entity } from "../../../devices/entity.ts";
import type { IncomingMessage } from "../../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { acceptEsphome, acceptShellyGen1, acceptTasmota, type Verdict } from "../../helpers/firmware-api.ts";

type Fixture = { firmware: string; messages: { topic: string; payload: Record<string, unknown> }[] };
const read = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/firmware-discovery/${name}`, import.meta.url), "utf8")) as Fixture;

/** Entities the consumer builds from a fixture's messages, by unique_id; no warning allowed. */
function discover(fixture: Fixture): Map<string, Entity> {
  let handler: ((m: IncomingMessage) => void) | undefined;
  const source: MessageSource = {
    subscribe: (filter, h) => {
      if (filter === "homeassistant/#") handler = h;
      return () => undefined;
    },
  };
  const registry = new EntityRegistry();
  const consumer = new DiscoveryConsumer(source, registry, parseConfig({ agent: { id: "firmware" } }));
  const warnings: DiscoveryWarning[] = [];
  consumer.on("warning", (w) => warnings.push(w));
  consumer.start();
  for (const m of fixture.messages) handler!({ topic: m.topic, payload: Buffer.from(JSON.stringify(m.payload)), qos: 0, retain: true } as IncomingMessage);
  assert.deepEqual(warnings, [], `${fixture.firmware}: configs refused`);
  const entities = new Map(registry.all().map((e) => [String(e.config?.unique_id), e]));
  consumer.stop();
  assert.equal(entities.size, fixture.messages.length, `${fixture.firmware}: one entity per config`);
  for (const e of entities.values()) assert.equal(e.readOnly, false, `${e.id} is commandable (${e.readOnlyReason})`);
  return entities;
}

/**
 * Encodes `action` for `entity`, feeds every message to the firmware and
 * returns the state the firmware ends in (the effects merged in order).
 */
function roundTrip(entity: Entity, action: Action, accept: (topic: string, payload: string) => Verdict): Record<string, unknown> {
  const messages = encodeAction(entity, action);
  assert.ok(messages.length > 0, `${entity.id}: ${action.type} sends something`);
  const state: Record<string, unknown> = {};
  for (const m of messages) {
    const payload = typeof m.payload === "string" ? m.payload : Buffer.from(m.payload).toString("utf8");
    const verdict = accept(m.topic, payload);
    assert.ok(verdict.ok, `${entity.id} ${JSON.stringify(action)}: ${m.topic} ${JSON.stringify(payload)} refused: ${verdict.ok ? "" : verdict.reason}`);
    Object.assign(state, verdict.effect);
  }
  return state;
}

/** [unique_id, action, the part of the firmware's state it must end in] */
type Case = [string, Action, Record<string, unknown>];

function check(fixture: Fixture, cases: Case[], accept: (entity: Entity) => (topic: string, payload: string) => Verdict): void {
  const entities = discover(fixture);
  const covered = new Set<string>();
  for (const [uniqueId, action, expected] of cases) {
    const entity = entities.get(uniqueId);
    assert.ok(entity, `${fixture.firmware}: no entity ${uniqueId}`);
    covered.add(uniqueId);
    const state = roundTrip(entity, action, accept(entity));
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(state[key], value, `${entity.id} ${JSON.stringify(action)}: ${key} ${JSON.stringify(state)}`);
  }
  assert.deepEqual([...entities.keys()].filter((id) => !covered.has(id)), [], "every fixture entity is exercised");
}

test("Tasmota (SetOption19): hearth's commands are Tasmota commands with the values asked for", () => {
  check(
    read("tasmota-setoption19.json"),
    [
      ["1A2B3C_RL_1", { type: "turn_on" }, { POWER: "ON" }],
      ["1A2B3C_RL_1", { type: "turn_off" }, { POWER: "OFF" }],
      ["4D5E6F_RL_2", { type: "turn_on" }, { POWER2: "ON" }],
      ["7A8B9C_LI_1", { type: "turn_on" }, { POWER: "ON" }],
      ["7A8B9C_LI_1", { type: "light_set", brightness_pct: 50 }, { Dimmer: 50, POWER: "ON" }],
      ["7A8B9C_LI_1", { type: "light_set", brightness_pct: 1 }, { Dimmer: 1 }],
      ["7A8B9C_LI_1", { type: "light_set", brightness_pct: 100 }, { Dimmer: 100 }],
      ["7A8B9C_LI_1", { type: "turn_off" }, { POWER: "OFF" }],
      ["0D1E2F_LI_1", { type: "light_set", brightness_pct: 30 }, { Dimmer: 30 }],
      ["0D1E2F_LI_1", { type: "light_set", rgb: [255, 0, 0] }, { Color: "255,0,0" }],
      ["0D1E2F_LI_1", { type: "light_set", rgb: [0, 128, 255] }, { Color: "0,128,255" }],
      // 3000 K = 333.3 mireds: Tasmota's CT takes whole mireds.
      ["0D1E2F_LI_1", { type: "light_set", color_temp_kelvin: 3000 }, { CT: 333 }],
      ["0D1E2F_LI_1", { type: "light_set", color_temp_kelvin: 2000 }, { CT: 500 }],
      ["0D1E2F_LI_1", { type: "light_set", color_temp_kelvin: 6500 }, { CT: 153 }],
      ["0D1E2F_LI_1", { type: "turn_off" }, { POWER: "OFF" }],
    ],
    () => acceptTasmota,
  );
});

test("ESPHome: hearth's commands are accepted by each component's MQTT command topic", () => {
  check(
    read("esphome.json"),
    [
      ["ESPswitchrelay", { type: "turn_on" }, { state: "ON" }],
      ["ESPswitchrelay", { type: "turn_off" }, { state: "OFF" }],
      ["ESPlightstrip", { type: "turn_on" }, { state: "ON" }],
      ["ESPlightstrip", { type: "light_set", brightness_pct: 50 }, { state: "ON", brightness: 128 }],
      ["ESPlightstrip", { type: "light_set", rgb: [255, 0, 0] }, { state: "ON", color: "255,0,0" }],
      ["ESPlightstrip", { type: "light_set", color_temp_kelvin: 2700 }, { state: "ON", color_temp: 370 }],
      ["ESPlightstrip", { type: "turn_off" }, { state: "OFF" }],
      ["ESPcoverblind", { type: "open" }, { operation: "OPEN" }],
      ["ESPcoverblind", { type: "close" }, { operation: "CLOSE" }],
      ["ESPcoverblind", { type: "stop" }, { operation: "STOP" }],
      ["ESPcoverblind", { type: "set_position", position: 40 }, { position: 40 }],
      ["ESPfanhood_fan", { type: "turn_on" }, { state: "ON" }],
      ["ESPfanhood_fan", { type: "turn_off" }, { state: "OFF" }],
      // HA's ranged percentage: 3 levels, 50 % → ceil(1.5) = level 2, 100 % → 3, 1 % → 1.
      ["ESPfanhood_fan", { type: "set_percentage", percentage: 50 }, { speed_level: 2 }],
      ["ESPfanhood_fan", { type: "set_percentage", percentage: 100 }, { speed_level: 3 }],
      ["ESPfanhood_fan", { type: "set_percentage", percentage: 1 }, { speed_level: 1 }],
      ["ESPnumbertimer_minutes", { type: "set_value", value: 0 }, { value: 0 }],
      ["ESPnumbertimer_minutes", { type: "set_value", value: 42.5 }, { value: 42.5 }],
      ["ESPnumbertimer_minutes", { type: "set_value", value: 120 }, { value: 120 }],
      ["ESPselectbrew_strength", { type: "select_option", option: "Strong" }, { option: "Strong" }],
      ["ESPselectbrew_strength", { type: "select_option", option: "Mild" }, { option: "Mild" }],
      ["ESPbuttonrestart", { type: "press" }, { pressed: true }],
      ["ESPclimatefloor_heating", { type: "set_hvac_mode", hvac_mode: "heat" }, { mode: "heat" }],
      ["ESPclimatefloor_heating", { type: "set_hvac_mode", hvac_mode: "off" }, { mode: "off" }],
      ["ESPclimatefloor_heating", { type: "set_temperature", temperature: 21.5 }, { target_temperature: 21.5 }],
      ["ESPclimatefloor_heating", { type: "set_temperature", temperature: 10 }, { target_temperature: 10 }],
      ["ESPclimatefloor_heating", { type: "set_preset_mode", preset_mode: "eco" }, { preset: "eco" }],
      ["ESPlockpantry_lock", { type: "lock" }, { lock: "LOCK" }],
      ["ESPlockpantry_lock", { type: "unlock" }, { lock: "UNLOCK" }],
      ["ESPtextdisplay_message", { type: "set_value", value: "Tea is ready" }, { text: "Tea is ready" }],
    ],
    (entity) => (topic, payload) => acceptEsphome(topic, payload, entity.config!),
  );
});

test("Shelly Gen1 (ha-shellies-discovery): hearth's commands are Shelly Gen1 MQTT commands", () => {
  check(
    read("shelly-gen1.json"),
    [
      ["shellyswitch25-98cdac1f2e3d-relay-1", { type: "turn_on" }, { relay1: "on" }],
      ["shellyswitch25-98cdac1f2e3d-relay-1", { type: "turn_off" }, { relay1: "off" }],
      ["shellyswitch25-98cdac4a5b6c-roller-0", { type: "open" }, { roller: "open" }],
      ["shellyswitch25-98cdac4a5b6c-roller-0", { type: "close" }, { roller: "close" }],
      ["shellyswitch25-98cdac4a5b6c-roller-0", { type: "stop" }, { roller: "stop" }],
      ["shellyswitch25-98cdac4a5b6c-roller-0", { type: "set_position", position: 40 }, { pos: 40 }],
      ["shellydimmer2-e8db84a1b2c3-light-0", { type: "turn_on" }, { turn: "on" }],
      // brightness 50 % → HA's 128 of 255 → the template's 128 / 2.55 = 50.
      ["shellydimmer2-e8db84a1b2c3-light-0", { type: "light_set", brightness_pct: 50 }, { turn: "on", brightness: 50 }],
      ["shellydimmer2-e8db84a1b2c3-light-0", { type: "light_set", brightness_pct: 1 }, { turn: "on", brightness: 1 }],
      ["shellydimmer2-e8db84a1b2c3-light-0", { type: "turn_off" }, { turn: "off" }],
    ],
    () => acceptShellyGen1,
  );
});

test("the firmware models refuse what the firmware refuses", () => {
  // The acceptors must be able to fail, or the round trips above prove nothing.
  assert.equal(acceptTasmota("cmnd/desk_bulb/Dimmer", "50.5").ok, false);
  assert.equal(acceptTasmota("cmnd/desk_bulb/CT", "100").ok, false);
  assert.equal(acceptTasmota("cmnd/desk_bulb/Color2", "255,0").ok, false);
  assert.equal(acceptTasmota("stat/desk_bulb/POWER", "ON").ok, false);
  assert.equal(acceptEsphome("n/fan/f/speed_level/command", "2.0", { speed_range_max: 3 }).ok, false);
  assert.equal(acceptEsphome("n/button/b/command", "press", {}).ok, false);
  assert.equal(acceptEsphome("n/select/s/command", "strong", { options: ["Strong"] }).ok, false);
  assert.equal(acceptEsphome("n/number/x/command", "121", { min: 0, max: 120 }).ok, false);
  assert.equal(acceptEsphome("n/light/l/command", '{"brightness":300}', {}).ok, false);
  assert.equal(acceptShellyGen1("shellies/x/relay/0/command", "ON").ok, false);
  assert.equal(acceptShellyGen1("shellies/x/light/0/set", '{"turn":"on","brightness":0}').ok, false);
  assert.equal(acceptShellyGen1("shellies/x/roller/0/command/pos", "40.5").ok, false);
});
