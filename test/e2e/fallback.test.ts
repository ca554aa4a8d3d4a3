/**
 * End to end: the fallback recognizer's confirmation turn through `hearth
 * say` (a child process) against a real mosquitto holding the real discovery
 * messages and the simulated home. A text no template matches but the
 * fallback reads with middle confidence is asked about ("Do you want me to
 * …?"); "yes" publishes exactly the device command, "no" publishes nothing;
 * unrelated requests and low-confidence readings are refused and publish
 * nothing. The thresholds are set in the config so that the turn does not
 * depend on where the calibration puts one sentence.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { OutgoingMessage } from "../../devices/entity.ts";
import { E2E_SKIP, startE2eHome, type E2eHome } from "../helpers/e2e-home.ts";
import { sayJson, writeConfigFile, writeJsonLines } from "../helpers/hearth-cli.ts";

const skip = E2E_SKIP;

let home: E2eHome;
let asking: string;
let defaults: string;

before(async () => {
  if (skip) return;
  home = await startE2eHome();
  const common = ["agent: { id: e2e-fallback }", `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`];
  // Every fallback reading from 0.05 up is asked about, none acted on at once.
  asking = writeConfigFile([...common, "intents: { fallback: { text: { act: 0.999, confirm: 0.05 } } }"]);
  defaults = writeConfigFile(common);
});
after(async () => {
  await home?.stop();
});

interface SayLine {
  text: string;
  intent: string | null;
  slots: Record<string, unknown>;
  targets: string[];
  decision: string;
  confidence: number;
  recognized_by?: string;
  messages: OutgoingMessage[];
  response: string;
  awaiting?: string;
}

const say = (config: string, lines: { text: string; context?: { area: string } }[]) => sayJson<SayLine>(config, ["--input", writeJsonLines(lines)]);

async function commandsSince(mark: number): Promise<OutgoingMessage[]> {
  await new Promise((r) => setTimeout(r, 200));
  return home.recorder.since(mark, home.isDeviceCommand).map((m) => ({ topic: m.topic, payload: m.text, qos: m.qos, retain: m.retain }));
}

test("a middle-confidence fallback reading asks first; yes acts, no does nothing", { skip }, async () => {
  const mark = home.recorder.mark();
  // A typo and an unknown word: no template matches.
  const lines = await say(asking, [{ text: "turn off the cofee machine olly" }, { text: "yes" }, { text: "turn off the cofee machine olly" }, { text: "no" }]);
  assert.equal(lines.length, 4, JSON.stringify(lines));
  const [ask, yes, askAgain, no] = lines as [SayLine, SayLine, SayLine, SayLine];
  assert.equal(ask.awaiting, "confirmation_requested", JSON.stringify(ask));
  assert.equal(ask.decision, "confirm");
  assert.equal(ask.recognized_by, "fallback");
  assert.equal(ask.intent, "HassTurnOff");
  assert.ok(ask.confidence >= 0.05 && ask.confidence < 0.999, String(ask.confidence));
  assert.match(ask.response, /^Do you want me to turn off .*coffee_machine.*\?$/i);
  assert.deepEqual(ask.messages, []);
  assert.equal(ask.targets.length, 1);
  assert.equal(yes.decision, "act");
  assert.deepEqual(yes.targets, ask.targets);
  assert.deepEqual(yes.messages, [{ topic: "zigbee2mqtt/coffee_machine/set", payload: "OFF", qos: 0, retain: false }]);
  assert.equal(askAgain.decision, "confirm");
  assert.equal(no.decision, "refuse");
  assert.equal(no.response, "Okay, I won't do that.");
  assert.deepEqual(no.messages, []);
  assert.deepEqual(await commandsSince(mark), yes.messages);
  // The event line on hearth/<id>/events carries the same decision and confidence.
  const events = home.recorder.since(mark, (m) => m.topic === "hearth/e2e-fallback/events").map((m) => JSON.parse(m.text) as { type: string; decision: string; confidence: number; recognizedBy?: string; targets: string[] });
  assert.deepEqual(events.map((e) => [e.type, e.decision]), [["confirmation_requested", "confirm"], ["command", "act"], ["confirmation_requested", "confirm"], ["command", "refuse"]]);
  assert.ok(Math.abs(events[0]!.confidence - ask.confidence) < 0.001);
  assert.equal(events[0]!.recognizedBy, "fallback");
  assert.deepEqual(events[0]!.targets, ask.targets);
});

test("unrelated requests and low-confidence readings are refused and publish nothing", { skip }, async () => {
  const mark = home.recorder.mark();
  const lines = await say(defaults, [
    { text: "what's the weather like in paris tomorrow" },
    { text: "set an alarm for seven am" },
    { text: "play some jazz in the kitchen" },
    { text: "email mum that i am late" },
    { text: "brilo stuxam the wobble" },
  ]);
  assert.equal(lines.length, 5);
  for (const line of lines) {
    assert.equal(line.decision, "refuse", JSON.stringify(line));
    assert.deepEqual(line.messages, []);
    assert.equal(line.awaiting, undefined);
  }
  assert.deepEqual(await commandsSince(mark), []);
});

test("a strict template match reports decision act with confidence 1", { skip }, async () => {
  const [line] = await say(defaults, [{ text: "turn on the coffee machine" }]);
  assert.equal(line!.decision, "act");
  assert.equal(line!.confidence, 1);
  assert.equal(line!.recognized_by, "template");
  assert.deepEqual(line!.messages, [{ topic: "zigbee2mqtt/coffee_machine/set", payload: "ON", qos: 0, retain: false }]);
});
