/**
 * Hostile input against a running `hearth run` (a child process) on a private
 * broker, loopback only, bounded in count and time: the typed-command topic
 * and discovery topics get invalid UTF-8, huge payloads, deep JSON and
 * prototype-pollution keys. The agent must keep running, keep its memory
 * bounded, publish nothing it was not asked to, and still obey a valid command
 * afterwards. Config files get the same treatment through `loadConfig`.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ConfigError, loadConfig } from "../../../agent/config/load.ts";
import type { SimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { fetchStatus } from "../../../agent/service/status-server.ts";
import { mosquittoAvailable, type Mosquitto } from "../../helpers/mosquitto.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../../helpers/home-broker.ts";
import { mulberry32 } from "../../helpers/prng.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";
const ID = "fuzz";
const HEAP_CAP_MB = 96;

/** Hostile payloads, each with a short label for failure messages. */
function hostilePayloads(random: () => number): [string, Buffer][] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const out: [string, Buffer][] = [];
  for (let i = 0; i < 150; i++) out.push(["random bytes", bytes(1 + Math.floor(random() * 300))]);
  for (const lead of [0xff, 0xfe, 0xc0, 0xed, 0xf8]) out.push(["invalid UTF-8", Buffer.concat([Buffer.from("turn on the "), Buffer.from([lead, 0xa0, 0x80]), Buffer.from(" light")])]);
  for (const size of [2000, 60_000, 500_000, 3_000_000]) out.push([`${size} bytes`, Buffer.alloc(size, "turn on the light ")]);
  // 30 MB per topic just under the 1 MiB packet limit: retaining them would show in RSS.
  for (let i = 0; i < 30; i++) out.push(["1 MB", Buffer.alloc(1_000_000, `{"text": "turn on the light ${i}`)]);
  for (const depth of [100, 490, 10_000, 200_000]) out.push([`depth ${depth} arrays`, Buffer.from("[".repeat(depth) + "]".repeat(depth))]);
  for (const depth of [50, 300, 50_000]) out.push([`depth ${depth} objects`, Buffer.from('{"text":' + '{"a":'.repeat(depth) + "1" + "}".repeat(depth) + "}")]);
  const pollution = [
    '{"__proto__": {"text": "turn on the kitchen ceiling", "polluted": true}}',
    '{"constructor": {"prototype": {"text": "unlock the front door lock", "polluted": true}}}',
    '{"text": {"toString": "unlock the front door lock"}}',
    '{"text": ["unlock the front door lock"]}',
    '{"text": null, "area": {"__proto__": {}}}',
    '{"name": "Evil", "command_topic": "hearth/other/text", "__proto__": {"command_topic": "#"}}',
    '{"name": "Evil", "cmd_t": "~/set", "~": "$SYS/evil", "unique_id": "evil_1", "constructor": {"prototype": {"x": 1}}}',
  ];
  for (const p of pollution) out.push(["prototype keys", Buffer.from(p)]);
  const words = ["blorp", "zzz", "qwerty", "the", "on", "off", "%s", "{{ 7*7 }}", "${HOME}", "../..", "#", "+", "\u202e", "\u0000", "😀"];
  for (let i = 0; i < 150; i++) out.push(["nonsense words", Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => words[Math.floor(random() * words.length)]).join(" "))]);
  return out;
}

function rssKiB(child: ChildProcess): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
  assert.ok(match, "VmRSS of the agent");
  return Number(match[1]);
}

let dir: string;
let broker: Mosquitto;
let home: SimulatedHome;
let observer: Observer;
let child: ChildProcess;
let output = "";
let socket: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "hearth-fuzz-"));
  ({ broker, home } = await startHomeBroker());
  observer = await Observer.connect(broker.url);
  socket = join(dir, "status.sock");
  const configFile = join(dir, "hearth.yaml");
  writeFileSync(configFile, JSON.stringify({ agent: { id: ID }, mqtt: { port: broker.port }, service: { status_socket: socket } }));
  // A capped old generation: an agent that kept what it is sent (about 70 MB a round) would die of it.
  child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, "--import", "tsx", "agent/cli/main.ts", "run", "--config", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  await observer.until(() => observer.on(`hearth/${ID}/status`).some((m) => m.payload === "online"), "the agent online", 20_000);
  await observer.until(() => observer.on(`homeassistant/device/${ID}/config`).length > 0, "the agent's discovery config");
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  await home?.stop();
  await observer?.close();
  await broker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("fuzzed text and discovery topics: no crash, bounded memory, nothing published that was not asked for", { skip, timeout: 90_000 }, async () => {
  const random = mulberry32(6);
  const send = async (topic: string, payload: Buffer) => observer.client.publishAsync(topic, payload, { qos: 1 });
  const payloads = hostilePayloads(random);
  const sentTopics = new Set<string>([`hearth/${ID}/text`]);
  const topics = payloads.map(() => `homeassistant/${["light", "switch", "lock", "cover"][Math.floor(random() * 4)]}/fuzz${Math.floor(random() * 40)}/x/config`);
  let sentBytes = 0;
  let rounds = 0;
  const round = async () => {
    for (const [i, [, payload]] of payloads.entries()) {
      await send(`hearth/${ID}/text`, payload);
      sentTopics.add(topics[i]!);
      await send(topics[i]!, payload);
      sentBytes += 2 * payload.length;
    }
    // A round trip through the agent: everything before it has been handled.
    const marker = `what is the meaning of blorp ${++rounds}`;
    await send(`hearth/${ID}/text`, Buffer.from(marker));
    await observer.until(() => observer.on(`hearth/${ID}/events`).some((m) => m.payload.includes(marker)), "the agent to catch up", 30_000);
  };
  // Round 1 warms up (allocator arenas for megabyte buffers, every code path); rounds 2 and 3 must not
  // grow RSS by more than a fraction of what they send, or the agent keeps what it was sent.
  await round();
  const rssBefore = rssKiB(child);
  await round();
  await round();
  const rssAfter = rssKiB(child);
  const status = (await fetchStatus(socket)) as { broker: { state: string } };

  assert.equal(child.exitCode, null, `the agent is running:\n${output.slice(-3000)}`);
  assert.equal(status.broker.state, "connected");
  const growthKiB = rssAfter - rssBefore;
  const roundMB = sentBytes / rounds / 1e6;
  process.stdout.write(`# hostile input (old space capped at ${HEAP_CAP_MB} MB): 3 rounds of ${payloads.length * 2} messages, ${roundMB.toFixed(1)} MB each; agent RSS after round 1 ${rssBefore} KiB, after round 3 ${rssAfter} KiB (${growthKiB >= 0 ? "+" : ""}${growthKiB} KiB)\n`);
  assert.ok(growthKiB < 40 * 1024, `RSS grew by ${growthKiB} KiB during two rounds of ${roundMB.toFixed(1)} MB of hostile input`);

  // Only the agent's own topics and its discovery config appear besides what the test and the home sent.
  const homeTopics = new Set<string>();
  for (const device of home.devices) {
    homeTopics.add(device.discoveryTopic);
    homeTopics.add(device.availability.topic);
    for (const p of device.statePublications()) homeTopics.add(p.topic);
  }
  const unexpected = observer.seen.filter((m) =>
    !sentTopics.has(m.topic) && !homeTopics.has(m.topic) && !m.topic.startsWith(`hearth/${ID}/`) && m.topic !== `homeassistant/device/${ID}/config`);
  assert.deepEqual(unexpected.map((m) => m.topic), [], "nothing published outside the agent's own topics");
  const commands = Object.values(HOME_TOPICS).flatMap((t) => observer.on(t));
  assert.deepEqual(commands, [], "no device was commanded");

  // Still obeys a valid command, exactly once.
  await send(`hearth/${ID}/text`, Buffer.from(JSON.stringify({ text: "turn on the kitchen ceiling" })));
  await observer.until(() => observer.on(HOME_TOPICS.kitchenCeiling).length === 1, "the kitchen light command");
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(observer.on(HOME_TOPICS.kitchenCeiling).length, 1);
});

test("fuzzed config files: a ConfigError naming the file, or a valid config; never a crash or a polluted prototype", () => {
  const random = mulberry32(7);
  const dir = mkdtempSync(join(tmpdir(), "hearth-fuzz-config-"));
  try {
    const docs: (string | Buffer)[] = [
      Buffer.from([0xff, 0xfe, 0x00, 0x41]),
      Buffer.concat([Buffer.from("agent:\n  name: "), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]),
      "agent:\n  name: " + "x".repeat(2_000_000) + "\n",
      "[".repeat(5000) + "]".repeat(5000),
      "a:\n" + Array.from({ length: 500 }, (_, i) => " ".repeat(i + 2) + `k${i}:`).join("\n") + " 1\n",
      // Billion laughs: YAML aliases expanding exponentially.
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
      "__proto__:\n  polluted: true\nagent:\n  id: ok\n",
      "agent:\n  __proto__:\n    polluted: true\n",
      "constructor:\n  prototype:\n    polluted: true\n",
      "entities:\n  __proto__:\n    name: x\n  constructor:\n    name: y\n",
      "mqtt:\n  port: 99999999999999999999999\n",
      "mqtt: !!js/function 'function () { return 1 }'\n",
      "agent: !!binary aGVsbG8=\n",
      "---\n---\n---\n",
    ];
    for (let i = 0; i < 100; i++) docs.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256))));
    let errors = 0;
    docs.forEach((doc, i) => {
      const file = join(dir, `c${i}.yaml`);
      writeFileSync(file, doc);
      try {
        loadConfig(file);
      } catch (err) {
        assert.ok(err instanceof ConfigError, `c${i}.yaml: ${(err as Error).stack}`);
        assert.ok(err.message.startsWith(`${file}: `), err.message);
        errors++;
      }
    });
    assert.ok(errors > docs.length / 2, `${errors} of ${docs.length} rejected`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
