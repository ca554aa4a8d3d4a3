import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { MqttConnectionError, MqttSession } from "../../../devices/mqtt/session.ts";
import { makeCertificates, opensslAvailable } from "../../helpers/certificates.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const skip = !mosquittoAvailable() ? "mosquitto not installed" : !opensslAvailable() ? "openssl not installed" : false;

/** The throw-away CA, server and client certificates (test/helpers/certificates.ts). */
let dir: string;
let broker: Mosquitto;

before(async () => {
  if (skip) return;
  dir = makeCertificates().dir;
  broker = await Mosquitto.start({
    listenerLines: [`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`, "require_certificate true"],
  });
});
after(async () => {
  await broker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tlsConfig = (extra: Record<string, unknown>) =>
  parseConfig({ mqtt: { host: "127.0.0.1", port: broker.port, protocol: "mqtts", reconnect_min_ms: 50, ...extra } }).mqtt;

test("TLS with a CA and a client certificate connects", { skip }, async () => {
  const session = new MqttSession(tlsConfig({ ca: `${dir}/ca.crt`, cert: `${dir}/client.crt`, key: `${dir}/client.key` }), { agentId: "t-tls" });
  await session.start();
  assert.equal(session.state, "connected");
  await session.publish({ topic: "tls/check", payload: "x", qos: 1, retain: false });
  await session.close();
});

test("an untrusted server certificate is a TLS error naming host:port", { skip }, async () => {
  const session = new MqttSession(tlsConfig({ cert: `${dir}/client.crt`, key: `${dir}/client.key` }), { agentId: "t-tls-bad" });
  const err = await session.start().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof MqttConnectionError, String(err));
  assert.equal(err.failure, "tls");
  assert.match(err.message, new RegExp(`^MQTT broker 127\\.0\\.0\\.1:${broker.port}: TLS error: .*(SELF_SIGNED|UNABLE_TO_VERIFY)`));
});

test("an unreadable CA file is a config error naming the field and the file", { skip }, async () => {
  const session = new MqttSession(tlsConfig({ ca: `${dir}/missing.crt` }), { agentId: "t-tls-missing" });
  await assert.rejects(session.start(), (e: MqttConnectionError) => e.failure === "config" && e.message.includes(`mqtt.ca: cannot read ${dir}/missing.crt: ENOENT`));
});
