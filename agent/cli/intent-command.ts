/**
 * `hearth intent TEXT...`: recognise a typed command, resolve it against the
 * registry and print what hearth would do and say, without sending anything.
 * The registry comes from a fixtures file (HA intents format), the custom
 * intents from YAML files; both default to the config's `fixtures` and
 * `intents.files` (and `intents.ha_custom_sentences`). hearth's own intents
 * (clock, timers, refusals) are answered as a one-shot run would.
 */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config/load.ts";
import { loadCustomIntents } from "../intent/custom-intents.ts";
import { loadHaCustomSentences } from "../intent/ha-custom-sentences.ts";
import { IntentRecognizer } from "../intent/recognizer.ts";
import { responseFor } from "../intent/responses.ts";
import { buildSentenceSet } from "../intent/sentence-set.ts";
import { resolveIntent, type Resolution } from "../resolve/resolver.ts";
import { loadFixtures } from "../../devices/fixtures.ts";
import { LocalIntents } from "../local/local-intents.ts";

interface IntentOptions {
  config?: string;
  fixtures?: string;
  intents?: string[];
  area?: string;
}

/** The resolution without whole entities: ids and actions only, for printing. */
function summary(resolution: Resolution): unknown {
  switch (resolution.kind) {
    case "act":
      return { ...resolution, targets: resolution.targets.map((t) => ({ entity: t.entity.id, action: t.action })) };
    case "clarify":
      return { ...resolution, candidates: resolution.candidates.map((e) => e.id) };
    case "answer": {
      const a = resolution.answer;
      const ids = (list: { id: string }[]) => list.map((e) => e.id);
      const answer =
        a.type === "state" ? { ...a, entities: a.entities.map((e) => ({ ...e, entity: e.entity.id })) }
        : a.type === "temperature" ? { ...a, entity: a.entity.id }
        : a.type === "yes_no" ? { ...a, matching: ids(a.matching), notMatching: ids(a.notMatching) }
        : { ...a, matching: ids(a.matching) };
      return { ...resolution, answer };
    }
    default:
      return resolution;
  }
}

export function registerIntentCommand(program: Command): void {
  program
    .command("intent")
    .argument("<text...>", "the command, as typed or transcribed")
    .description("recognise TEXT, resolve it and print the intent, the targets and actions, and the spoken response (sends nothing)")
    .option("-c, --config <file>", "config file (for `fixtures` and `intents.files`)")
    .option("-f, --fixtures <file>", "registry in the HA intents fixtures format")
    .option("-i, --intents <files...>", "custom intents YAML files")
    .option("-a, --area <area>", "area of the microphone (the room the command was heard in)")
    .action(async (words: string[], options: IntentOptions) => {
      const config = options.config ? loadConfig(options.config) : undefined;
      const base = options.config ? dirname(resolve(options.config)) : process.cwd();
      const fixtures = options.fixtures ?? (config?.fixtures && resolve(base, config.fixtures));
      const customFiles = options.intents ?? (config?.intents.files ?? []).map((f) => resolve(base, f));
      const registry = fixtures ? loadFixtures(fixtures) : undefined;
      if (!registry) throw new Error("no registry: give --fixtures FILE or a --config with `fixtures`");
      const haSentences = config?.intents.ha_custom_sentences ? loadHaCustomSentences(resolve(base, config.intents.ha_custom_sentences)) : [];
      const recognizer = new IntentRecognizer(buildSentenceSet(registry, [...customFiles.map(loadCustomIntents), ...haSentences]));
      const context = { area: options.area ?? config?.agent.default_area };
      const text = words.join(" ");
      const recognized = recognizer.recognize(text, context);
      // Clock, timers, broadcast and refusals are hearth's own, answered as a one-shot run would (no timers kept).
      const local = new LocalIntents({ check: async () => ({ kind: "not_understood", response: "" }), timeZone: config?.location?.time_zone });
      if (recognized && local.handles(recognized.intent)) {
        const understood = await local.understand(recognized, { kind: "cli", ...(context.area ? { area: context.area } : {}) });
        const out = {
          text,
          recognized: { intent: recognized.intent, slots: recognized.slots, confidence: recognized.confidence, sentence: recognized.sentence },
          resolution: { kind: "local", understanding: understood.kind, ...(understood.kind === "error" ? { error: understood.error } : {}) },
          response: "response" in understood ? understood.response : "",
        };
        process.stdout.write(JSON.stringify(out, null, 2) + "\n");
        return;
      }
      const resolution = resolveIntent(recognized, registry, context);
      const out = {
        text,
        recognized: recognized && { intent: recognized.intent, slots: recognized.slots, confidence: recognized.confidence, sentence: recognized.sentence },
        resolution: summary(resolution),
        response: responseFor(resolution),
      };
      process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    });
}
