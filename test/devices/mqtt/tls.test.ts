import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { MqttConnectionError, MqttSession } from "../../../devices/mqtt/session.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

function opensslAvailable(): boolean {
  try {
    execFileSync("openssl", ["version"]);
    return true;
  } catch {
    return false;
  }
}
const skip = !mosquittoAvailable() ? "mosquitto not installed" : !opensslAvailable() ? "openssl not installed" : false;

let dir: string;
let broker: Mosquitto;

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCertificates(): void {
  dir = mkdtempSync(join(tmpdir(), "hearth-tls-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=hearth test CA");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name === "server" ? "127.0.0.1" : "hearth"}`);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", ...(name === "server" ? ["-extfile", "san.ext"] : []));
  }
  // mosquitto drops to its own user when started as root.
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
}

before(async () => {
  if (skip) return;
  makeCertificates();
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
