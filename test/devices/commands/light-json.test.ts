import assert from "node:assert/strict";
import { test } from "node:test";
import { UnsupportedActionError } from "../../../devices/commands/action.ts";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

const BULB = "11_z2m-2.12.1_ikea-bulb_light-json-schema.json";
const GROUP = "18_z2m-2.12.1_group_light.json";
const bulbMessage = (payload: string) => [{ topic: "zigbee2mqtt/bulb/set", payload, qos: 0, retain: false }];

test("Zigbee2MQTT IKEA bulb (JSON schema, brightness_scale 254, colour temperature 250..454 mireds)", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const bulb = entityFromDiscovery(BULB);
  assert.equal(bulb.id, "light.bulb");
  assert.deepEqual(encodeAction(bulb, { type: "turn_on" }), bulbMessage('{"state":"ON"}'));
  assert.deepEqual(encodeAction(bulb, { type: "turn_off" }), bulbMessage('{"state":"OFF"}'));
  // 50 % → HA brightness round(127.5) = 128 (half to even) → 128 * 254 / 255 = 127.498 → 127.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", brightness_pct: 50 }), bulbMessage('{"state":"ON","brightness":127}'));
  assert.deepEqual(encodeAction(bulb, { type: "light_set", brightness_pct: 100 }), bulbMessage('{"state":"ON","brightness":254}'));
  // 1 % → 3 → 2.99 → 3; never rounded down to 0.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", brightness_pct: 1 }), bulbMessage('{"state":"ON","brightness":3}'));
  // Brightness 0 turns the light off, as HA's light.turn_on does.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", brightness_pct: 0 }), bulbMessage('{"state":"OFF"}'));
  // 2700 K → floor(1e6 / 2700) = 370 mireds.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", color_temp_kelvin: 2700 }), bulbMessage('{"state":"ON","color_temp":370}'));
  // Clamped to the bulb's range: 250 mireds = 4000 K at most, 454 mireds = 2202 K at least.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", color_temp_kelvin: 6500 }), bulbMessage('{"state":"ON","color_temp":250}'));
  assert.deepEqual(encodeAction(bulb, { type: "light_set", color_temp_kelvin: 1800 }), bulbMessage('{"state":"ON","color_temp":454}'));
  assert.deepEqual(
    encodeAction(bulb, { type: "light_set", brightness_pct: 30, color_temp_kelvin: 4000 }),
    bulbMessage('{"state":"ON","brightness":76,"color_temp":250}'),
  );
  assert.throws(() => encodeAction(bulb, { type: "light_set", rgb: [255, 0, 0] }), (e: Error) =>
    e instanceof UnsupportedActionError && /light\.bulb: cannot light_set: the light has no colour control/.test(e.message));
});

test("toggle follows the entity's state", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  assert.deepEqual(encodeAction(entityFromDiscovery(BULB, { state: "on" }), { type: "toggle" }), bulbMessage('{"state":"OFF"}'));
  assert.deepEqual(encodeAction(entityFromDiscovery(BULB, { state: "off" }), { type: "toggle" }), bulbMessage('{"state":"ON"}'));
});

test("Zigbee2MQTT group (xy + color_temp): an RGB colour is sent as CIE xy, as HA converts it", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const group = entityFromDiscovery(GROUP);
  const msg = (payload: string) => [{ topic: "zigbee2mqtt/ha_discovery_group/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(group, { type: "light_set", rgb: [255, 0, 0] }), msg('{"state":"ON","color":{"x":0.701,"y":0.299}}'));
  assert.deepEqual(
    encodeAction(group, { type: "light_set", rgb: [255, 128, 0], brightness_pct: 100 }),
    msg('{"state":"ON","color":{"x":0.611,"y":0.375},"brightness":254}'),
  );
});

test("ESPHome-style JSON RGB light: rgb colour, hs colour, kelvin, qos and retain", () => {
  // As ESPHome announces an RGB light (schema json, supported_color_modes [rgb]).
  const config = {
    schema: "json",
    command_topic: "livingroom/light/strip/command",
    state_topic: "livingroom/light/strip/state",
    brightness: true,
    supported_color_modes: ["rgb"],
    qos: 1,
    retain: true,
  };
  const strip = makeEntity("light", "strip", config);
  const msg = (payload: string) => [{ topic: "livingroom/light/strip/command", payload, qos: 1, retain: true }];
  assert.deepEqual(
    encodeAction(strip, { type: "light_set", rgb: [255, 128, 0], brightness_pct: 50 }),
    msg('{"state":"ON","color":{"r":255,"g":128,"b":0},"brightness":128}'),
  );
  // Without `brightness: true`, HA folds brightness into the channels and leaves it out.
  const noBrightness = makeEntity("light", "strip", { ...config, brightness: false });
  assert.deepEqual(
    encodeAction(noBrightness, { type: "light_set", rgb: [255, 128, 0], brightness_pct: 50 }),
    msg('{"state":"ON","color":{"r":128,"g":64,"b":0}}'),
  );
  const hs = makeEntity("light", "strip", { ...config, supported_color_modes: ["hs", "color_temp"], color_temp_kelvin: true });
  assert.deepEqual(encodeAction(hs, { type: "light_set", rgb: [255, 128, 0] }), msg('{"state":"ON","color":{"h":30.118,"s":100.0}}'));
  assert.deepEqual(encodeAction(hs, { type: "light_set", color_temp_kelvin: 3000 }), msg('{"state":"ON","color_temp":3000}'));
  assert.deepEqual(encodeAction(hs, { type: "light_set", color_temp_kelvin: 9000 }), msg('{"state":"ON","color_temp":6535}'));
});

test("colour temperature on an RGB-only light is emulated through HS, as HA does (Tanner Helland's black-body curve)", () => {
  const strip = makeEntity("light", "strip", { schema: "json", command_topic: "strip/set", brightness: true, supported_color_modes: ["rgb"] });
  // 2700 K → hs (28.395, 65.723) → rgb at full value (255, 167, 87).
  assert.deepEqual(encodeAction(strip, { type: "light_set", color_temp_kelvin: 2700 }), [
    { topic: "strip/set", payload: '{"state":"ON","color":{"r":255,"g":167,"b":87}}', qos: 0, retain: false },
  ]);
  const hs = makeEntity("light", "hs", { schema: "json", command_topic: "hs/set", supported_color_modes: ["hs"] });
  assert.deepEqual(encodeAction(hs, { type: "light_set", color_temp_kelvin: 4000 }), [
    { topic: "hs/set", payload: '{"state":"ON","color":{"h":26.812,"s":34.87}}', qos: 0, retain: false },
  ]);
});

test("values out of range are refused with a reason", () => {
  const light = makeEntity("light", "x", { schema: "json", command_topic: "x/set", brightness: true });
  assert.throws(() => encodeAction(light, { type: "light_set", brightness_pct: 150 }), /brightness 150 % is outside 0\.\.100/);
  assert.throws(() => encodeAction(light, { type: "light_set", color_temp_kelvin: 3000 }), /no colour temperature or colour control/);
  assert.throws(() => encodeAction(light, { type: "lock" }), /a light can only/);
});
