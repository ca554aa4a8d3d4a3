/**
 * `hearth listen --input FILE_OR_DIR...`: run the voice pipeline over
 * recordings as fast as possible and print one line per event (JSON with
 * `--json`). Exit code 1 when any input failed.
 */
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import { expandInputs, listenToFiles } from "../voice/listen.ts";
import type { VoiceEvent } from "../voice/pipeline.ts";
import { Agent } from "../service/agent.ts";
import { VoiceExtension } from "../service/voice-extension.ts";

/** The JSON line for an event: `source` becomes `file`, a finished utterance is described without its audio. */
export function eventRecord(event: VoiceEvent): Record<string, unknown> {
  const { source, ...rest } = event;
  if (rest.type === "speech_end") {
    const { pcm, ...timing } = rest.utterance;
    return { type: rest.type, file: source, t_ms: rest.t_ms, ...(rest.area ? { area: rest.area } : {}), ...timing, duration_ms: (pcm.length * 1000) / 16_000 };
  }
  const { type, t_ms, ...details } = rest;
  return { type, file: source, t_ms, ...details };
}

function textLine(record: Record<string, unknown>): string {
  const { type, file, t_ms, ...rest } = record;
  const details = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "number" ? Math.round(v * 1000) / 1000 : JSON.stringify(v)}`)
    .join(" ");
  return `${file}\t${String(Math.round(Number(t_ms))).padStart(7)} ms\t${type}\t${details}`;
}

interface ListenOptionsCli {
  input: string[];
  config?: string;
  wake: boolean;
  wakeWord: string[];
  json?: boolean;
  saveDetections?: string;
  realtime?: boolean;
  dryRun?: boolean;
  offline?: boolean;
  entities?: string;
  asr: boolean;
}

export function registerListenCommand(program: Command): void {
  program
    .command("listen")
    .description("run wake word, VAD and (when configured) speech recognition over recordings; one line per event")
    .requiredOption("-i, --input <paths...>", "audio files or directories of them (any format ffmpeg reads; - for raw 16 kHz s16le on stdin)")
    .option("-c, --config <file>", "YAML config file (default: built-in defaults)")
    .option("--no-wake", "push-to-talk: no wake word, every utterance counts")
    .option("-w, --wake-word <nameOrPath>", "wake word model (built-in name or .onnx path), repeatable; replaces the configured ones", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--json", "print JSON lines")
    .option("--save-detections <dir>", "write a WAV around every wake word detection")
    .option("--realtime", "pace recordings in real time instead of as fast as possible")
    .option("--dry-run", "understand and show the commands, publish nothing")
    .option("--offline", "no broker at all (implies --dry-run); entities from --entities or the config's fixtures")
    .option("--entities <fixtures>", "registry from a fixtures YAML file (HA intents format) instead of discovery")
    .option("--no-asr", "stop at speech_end: no speech recognition, no commands")
    .action(async (opts: ListenOptionsCli) => {
      const config = opts.config ? loadConfig(opts.config) : parseConfig({});
      const inputs = expandInputs(opts.input);
      const print = (record: Record<string, unknown>) => process.stdout.write((opts.json ? JSON.stringify(record) : textLine(record)) + "\n");
      // An observer (own client id, no will or retained status), like `hearth say`: a listen run beside the service must not knock it off the broker.
      const agent = opts.asr ? new Agent(config, { offline: opts.offline, dryRun: opts.dryRun, fixtures: opts.entities, failFast: true, observer: true, configFile: opts.config }) : undefined;
      const voice = agent ? new VoiceExtension(agent) : undefined;
      let failed = false;
      try {
        if (agent) {
          await agent.start();
          if (!opts.offline) await agent.settle();
          await voice!.prepare();
        }
        for await (const event of listenToFiles(inputs, config, {
          noWake: !opts.wake,
          wakeWords: opts.wakeWord,
          saveDetections: opts.saveDetections,
          realtime: opts.realtime,
          recognize: voice?.recognize,
          followUps: voice?.followUps,
        })) {
          if (event.type === "error") failed = true;
          print(eventRecord(event));
          for (const record of (await voice?.handle(event)) ?? []) {
            const { source, ...rest } = record;
            print({ ...rest, file: source });
          }
        }
      } finally {
        voice?.close();
        await agent?.stop();
      }
      if (failed) process.exitCode = 1;
    });
}
