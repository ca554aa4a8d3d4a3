/**
 * The voice extension's follow-up turn: a spoken command that needs a "yes"
 * (unlocking a door) makes the microphone that heard it listen once more
 * without a wake word; a plain command does not.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { VoiceExtension } from "../../../agent/service/voice-extension.ts";
import type { VoiceEvent } from "../../../agent/voice/pipeline.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();

test("a question opens a follow-up turn on the microphone that heard the command; the answer closes it", { skip: missing }, async () => {
  const agent = new Agent(parseConfig({ agent: { id: "voice-follow-up" } }), { offline: true, fixtures: sharedData("intents", "ha-en-fixtures.yaml"), failFast: true, observer: true });
  await agent.start();
  const voice = new VoiceExtension(agent);
  try {
    const said = (text: string): VoiceEvent => ({ type: "transcript", source: "hallway", t_ms: 0, text, confidence: 0.9, utterance_start_ms: 0 });
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    const asked = await voice.handle(said("unlock the front door"));
    const command = asked.find((r) => r.type === "command");
    assert.equal(command?.type === "command" && command.awaiting, "confirmation_requested", JSON.stringify(asked));
    await settle();
    assert.equal(voice.followUps.take("hallway"), true, "the answer needs no wake word");
    assert.equal(voice.followUps.take("hallway"), false, "once");

    const answered = await voice.handle(said("yes"));
    const done = answered.find((r) => r.type === "command");
    assert.ok(done?.type === "command" && !done.awaiting && done.targets.includes("lock.front_door"), JSON.stringify(answered));
    await settle();
    assert.equal(voice.followUps.take("hallway"), false, "no question, no follow-up turn");
  } finally {
    voice.close();
    await agent.stop();
  }
});
