import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

test("hearth listen prints one JSON line per event and names a corrupt file in its error", { skip: sharedDataMissing() }, () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-listen-"));
  const corrupt = join(dir, "corrupt.flac");
  writeFileSync(corrupt, Buffer.from("fLaC this is not really flac data at all".repeat(50)));
  const clip = sharedData("wakeword", "alexa", "alexa_003.flac");
  const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "agent/cli/main.ts"), "listen", "--no-asr", "--input", clip, corrupt, "--json"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0]!.type, "wake");
  assert.equal(lines[0]!.file, clip);
  assert.equal(lines[0]!.model, "alexa");
  assert.ok((lines[0]!.score as number) > 0.5 && typeof lines[0]!.t_ms === "number");
  const error = lines.find((l) => l.type === "error");
  assert.ok(error, run.stdout);
  assert.equal(error.file, corrupt);
  assert.match(error.message as string, new RegExp(`audio source ${corrupt.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: corrupt, truncated or not audio`));
});

test("hearth listen --no-wake segments speech without a wake word", { skip: sharedDataMissing() }, () => {
  const clip = sharedData("speech-misc", "vosk_digits.flac");
  const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "agent/cli/main.ts"), "listen", "--no-asr", "--input", clip, "--no-wake", "--json"], { cwd: root, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const types = run.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { type: string }).type);
  assert.deepEqual(types, ["speech_start", "speech_end", "speech_start", "speech_end", "speech_start", "speech_end"]);
});

test("hearth listen --input - reads raw 16 kHz s16le PCM from stdin", { skip: sharedDataMissing() }, async () => {
  const pcm = await decodeFile(sharedData("wakeword", "alexa", "alexa_003.flac"));
  const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "agent/cli/main.ts"), "listen", "--no-asr", "--input", "-", "--json"], {
    cwd: root,
    encoding: "utf8",
    input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
  });
  assert.equal(run.status, 0, run.stderr);
  const first = JSON.parse(run.stdout.trim().split("\n")[0]!) as Record<string, unknown>;
  assert.deepEqual([first.type, first.file, first.model], ["wake", "stdin", "alexa"]);
});
