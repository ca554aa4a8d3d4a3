import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import mqtt from "mqtt";
import { Mosquitto, freePort, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const main = fileURLToPath(new URL("../../../agent/cli/main.ts", import.meta.url));
const dataDir = fileURLToPath(new URL("../../../../shared/data/mqtt-discovery/", import.meta.url));
const skip = !mosquittoAvailable() ? "mosquitto not installed" : !existsSync(dataDir) ? `../shared absent: ${dataDir}` : false;

let broker: Mosquitto;
before(async () => {
  if (!skip) broker = await Mosquitto.start();
});
after(async () => {
  await broker?.dispose();
});

function writeConfig(port: number): string {
  const dir = mkdtempSync(join(tmpdir(), "hearth-devices-"));
  const file = join(dir, "hearth.yaml");
  writeFileSync(file, [
    "agent: { id: cli-test }",
    `mqtt: { host: 127.0.0.1, port: ${port} }`,
    "areas: [{ name: Bedroom }]",
    "entities:",
    "  switch.wall_switch_double_left: { area: Bedroom }",
  ].join("\n") + "\n");
  return file;
}

test("hearth devices --json prints the discovered registry with states and command topics", { skip }, async () => {
  const client = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "cli-fixture", reconnectPeriod: 0 });
  const seenStatus: string[] = [];
  client.on("message", (topic) => seenStatus.push(topic));
  await client.subscribeAsync("hearth/#");
  for (const file of ["11_z2m-2.12.1_ikea-bulb_light-json-schema.json", "12_z2m-2.12.1_wall-switch_switch-left.json", "13_z2m-2.12.1_weather-sensor_sensor-temperature.json"]) {
    const sample = JSON.parse(readFileSync(dataDir + file, "utf8")) as { topic: string; payload: unknown };
    await client.publishAsync(sample.topic, JSON.stringify(sample.payload), { qos: 1, retain: true });
  }
  await client.publishAsync("zigbee2mqtt/bulb", JSON.stringify({ state: "OFF", brightness: 254 }), { qos: 1, retain: true });
  await client.publishAsync("zigbee2mqtt/weather_sensor", JSON.stringify({ temperature: 18.25 }), { qos: 1, retain: true });

  const result = spawnSync(process.execPath, ["--import", "tsx", main, "devices", "--config", writeConfig(broker.port), "--json", "--wait-ms", "700"], { encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
  assert.deepEqual(rows, [
    { id: "light.bulb", name: "bulb", area: null, state: "off", command_topic: "zigbee2mqtt/bulb/set", read_only: false, read_only_reason: null },
    { id: "sensor.weather_sensor_temperature", name: "weather_sensor Temperature", area: null, state: "18.25", command_topic: null, read_only: true, read_only_reason: "state-only component" },
    { id: "switch.wall_switch_double_left", name: "wall_switch_double Left", area: "Bedroom", state: null, command_topic: "zigbee2mqtt/wall_switch_double/left/set", read_only: false, read_only_reason: null },
  ]);
  // An observer: it never touched hearth's status topic.
  assert.deepEqual(seenStatus, []);

  const table = spawnSync(process.execPath, ["--import", "tsx", main, "devices", "-c", writeConfig(broker.port), "--wait-ms", "500"], { encoding: "utf8", timeout: 30_000 });
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^ENTITY +NAME +AREA +STATE +COMMAND TOPIC\n/);
  assert.match(table.stdout, /sensor\.weather_sensor_temperature +weather_sensor Temperature +- +18\.25 +\(read-only: state-only component\)/);
  assert.match(table.stdout, /3 entities\n$/);
  await client.endAsync();
});

test("hearth devices exits 1 naming host:port when no broker answers", async () => {
  const port = await freePort();
  const result = spawnSync(process.execPath, ["--import", "tsx", main, "devices", "--config", writeConfig(port)], { encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 1);
  assert.match(result.stderr, new RegExp(`hearth: MQTT broker 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
});
