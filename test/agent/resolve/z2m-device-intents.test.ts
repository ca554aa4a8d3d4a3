/**
 * The device intents on every Zigbee2MQTT fan and siren of the corpus
 * (../shared/data/z2m-discovery, all zigbee-herdsman-converters definitions):
 * each is named, resolved and encoded — fan speeds through the fans' own
 * Jinja dict templates, their presets, sirens on/off/toggle — with no
 * refusal and no empty payload.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { parseConfig } from "../../../agent/config/load.ts";
import { resolveIntent } from "../../../agent/resolve/resolver.ts";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { DiscoveryConsumer, type MessageSource } from "../../../devices/discovery/consumer.ts";
import type { IncomingMessage } from "../../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { sharedData } from "../../helpers/shared-data.ts";

const corpusFile = sharedData("z2m-discovery", "corpus.jsonl.gz");

/** The corpus's fan and siren configs through the real discovery consumer. */
function corpusRegistry(): EntityRegistry {
  let onDiscovery: ((message: IncomingMessage) => void) | undefined;
  const source: MessageSource = {
    subscribe: (filter, handler) => {
      if (filter === "homeassistant/#") onDiscovery = handler;
      return () => undefined;
    },
  };
  const registry = new EntityRegistry();
  new DiscoveryConsumer(source, registry, parseConfig({ agent: { id: "corpus" } })).start();
  for (const line of gunzipSync(readFileSync(corpusFile)).toString("utf8").split("\n")) {
    if (!line.includes('"homeassistant/fan/') && !line.includes('"homeassistant/siren/')) continue;
    const { topic, payload } = JSON.parse(line) as { topic: string; payload: string };
    onDiscovery!({ topic, payload: Buffer.from(payload) } as IncomingMessage);
  }
  return registry;
}

const intent = (name: string, slots: Record<string, string | number>) => ({ intent: name, slots, confidence: 1, unknownSlots: [], sentence: "", text: "" });

test("every Zigbee2MQTT fan takes HassFanSetSpeed (percentages, speed words, its presets); every siren on, off and toggle", { skip: existsSync(corpusFile) ? false : `missing ${corpusFile}` }, () => {
  const registry = corpusRegistry();
  const fans = registry.all().filter((e) => e.domain === "fan" && !e.readOnly);
  const sirens = registry.all().filter((e) => e.domain === "siren" && !e.readOnly);
  assert.equal(fans.length, 12);
  assert.equal(sirens.length, 29);
  const problems: string[] = [];
  const send = (entityName: string, name: string, slots: Record<string, string | number>) => {
    const resolution = resolveIntent(intent(name, { name: entityName, ...slots }), registry);
    if (resolution.kind !== "act") return problems.push(`${entityName} ${name} ${JSON.stringify(slots)}: ${resolution.kind} ${JSON.stringify(resolution)}`.slice(0, 300));
    for (const target of resolution.targets) {
      try {
        const messages = encodeAction(target.entity, target.action);
        if (messages.length === 0 || messages.some((m) => m.payload === "")) problems.push(`${target.entity.id} ${JSON.stringify(target.action)}: ${JSON.stringify(messages)}`);
      } catch (err) {
        problems.push(`${target.entity.id} ${JSON.stringify(target.action)}: ${(err as Error).message}`);
      }
    }
  };
  for (const fan of fans) {
    for (const percentage of [10, 50, 100]) send(fan.name, "HassFanSetSpeed", { percentage });
    for (const speed of ["low", "medium", "high"]) send(fan.name, "HassFanSetSpeed", { speed });
    for (const preset of (fan.attributes.preset_modes as string[] | undefined) ?? []) send(fan.name, "HassFanSetSpeed", { preset_mode: preset });
    send(fan.name, "HassToggle", {});
  }
  for (const siren of sirens) for (const name of ["HassTurnOn", "HassTurnOff", "HassToggle"]) send(siren.name, name, {});
  assert.deepEqual(problems.slice(0, 5), [], `${problems.length} problems`);
  // A Zigbee2MQTT siren's warning template gets the tone and the duration.
  const adeo = sirens.find((e) => e.name === "ADEO LDSENK06")!;
  const sounded = resolveIntent(intent("HassTurnOn", { name: adeo.name, tone: "fire", duration: 30 }), registry);
  assert.equal(sounded.kind, "act");
  if (sounded.kind !== "act") return;
  assert.deepEqual(encodeAction(sounded.targets[0]!.entity, sounded.targets[0]!.action), [
    { topic: "zigbee2mqtt/ADEO LDSENK06/set", payload: '{"warning": {"mode": "fire", "level": "medium", "duration": 30}}', qos: 0, retain: false },
  ]);
  // The IKEA STARKVIND's dict template: 50 % of 1..9 is ceil(4.5) = 5, sent as the string its converter takes.
  const starkvind = fans.find((f) => f.name === "IKEA E2007")!;
  const resolution = resolveIntent(intent("HassFanSetSpeed", { name: starkvind.name, percentage: 50 }), registry);
  assert.equal(resolution.kind, "act");
  if (resolution.kind !== "act") return;
  assert.deepEqual(encodeAction(resolution.targets[0]!.entity, resolution.targets[0]!.action), [
    { topic: "zigbee2mqtt/IKEA E2007/set/fan_state", payload: "ON", qos: 0, retain: false },
    { topic: "zigbee2mqtt/IKEA E2007/set/fan_mode", payload: "5", qos: 0, retain: false },
  ]);
});
