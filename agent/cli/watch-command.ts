/**
 * `hearth watch --input VIDEO_OR_URL_OR_DEVICE`: run one camera's perception
 * (detection, tracking, zones, occupancy) and print one line per event —
 * occupancy, track enter/leave, people close to and facing the camera (when
 * the camera's `faces` are enabled), camera state, errors; with `--json` as JSON
 * lines. `t_ms` is media time for files. Exit status 1 when the camera fails.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Command } from "commander";
import { cameraSchema, type CameraConfig } from "../config/cameras.ts";
import { loadConfig } from "../config/load.ts";
import { createCamera } from "../vision/create-camera.ts";
import type { VisionEvent } from "../vision/events.ts";

interface WatchOptions {
  input: string;
  config?: string;
  area?: string;
  json?: boolean;
  snapshots?: string;
  fps?: number;
  realtime?: boolean;
}

/** `file`, `device` or `url` from what the user typed. */
export function inputKind(input: string): "file" | "device" | "url" {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return "url";
  if (input.startsWith("/dev/")) return "device";
  return "file";
}

/**
 * The camera settings for `watch`: the config's camera with this input (or
 * its only camera), with the input, area and fps from the command line.
 * @throws ConfigError from the config file; Error when several cameras could apply.
 */
export function watchCamera(options: WatchOptions): CameraConfig {
  const cameras = options.config ? loadConfig(options.config).cameras : [];
  const kind = inputKind(options.input);
  const matching = cameras.find((c) => c.file === options.input || c.url === options.input || c.device === options.input);
  if (!matching && cameras.length > 1) throw new Error(`${options.config}: ${cameras.length} cameras configured and none reads ${options.input}; set its file/url/device to the input`);
  const base = matching ?? cameras[0];
  const name = base?.name ?? (kind === "file" ? basename(options.input, extname(options.input)).replace(/[^a-z0-9_-]/gi, "_") : "camera");
  const area = options.area ?? base?.area ?? (kind === "file" ? basename(options.input, extname(options.input)) : name);
  // `label_filters` is derived from `labels` by the schema's transform; parsing again derives it anew.
  const { label_filters: _derived, ...given } = base ?? ({} as Partial<CameraConfig>);
  return cameraSchema.parse({
    ...given,
    url: undefined,
    device: undefined,
    file: undefined,
    name,
    area,
    [kind]: options.input,
    ...(options.fps !== undefined ? { fps: options.fps } : {}),
  });
}

function formatText(event: VisionEvent): string {
  const t = `${(event.t_ms / 1000).toFixed(1)}s`;
  switch (event.type) {
    case "occupancy":
      return `${t} ${event.area}: ${event.label} ${event.occupied ? "occupied" : "clear"} (count ${event.count})`;
    case "track_enter":
    case "track_leave":
      return `${t} ${event.area}: ${event.label} #${event.track_id} ${event.type === "track_enter" ? "entered" : "left"} ${event.zone}`;
    case "facing":
      return `${t} ${event.area}: ${event.count} facing the camera`;
    case "camera":
      return `${t} camera ${event.camera}: ${event.state}${event.reason ? ` (${event.reason})` : ""}`;
    case "error":
      return `${t} error: ${event.message}`;
  }
}

export function registerWatchCommand(program: Command): void {
  program
    .command("watch")
    .description("detect, track and report occupancy for one video file, stream or camera device")
    .requiredOption("--input <source>", "video file, rtsp:// or http(s):// URL, or /dev/videoN")
    .option("-c, --config <file>", "YAML config; its camera for this input (or its only camera) gives zones and thresholds")
    .option("--area <area>", "area of the whole picture (default: the camera's, or the file name)")
    .option("--json", "print JSON lines")
    .option("--snapshots <dir>", "write a JPEG with boxes and zones whenever occupancy changes")
    .option("--fps <n>", "frames per second to analyse", (v: string) => {
      const n = Number(v);
      if (!(n > 0)) throw new Error(`--fps: expected a positive number, got "${v}"`);
      return n;
    })
    .option("--realtime", "read files at their own pace, like a live camera")
    .action(async (options: WatchOptions) => {
      if (inputKind(options.input) === "file") {
        try {
          statSync(options.input);
        } catch {
          throw new Error(`--input: ${options.input}: no such file`);
        }
      }
      const camera = watchCamera(options);
      const { pipeline, detector, faceDetector } = await createCamera(camera, { snapshots: Boolean(options.snapshots), realtime: options.realtime, maxFailures: inputKind(options.input) === "file" ? undefined : 5 });
      const print = (event: object, text: string) => process.stdout.write((options.json ? JSON.stringify(event) : text) + "\n");
      pipeline.on("event", (event) => print(event, formatText(event)));
      if (options.snapshots) {
        mkdirSync(options.snapshots, { recursive: true });
        pipeline.on("snapshot", (s) => {
          const path = join(options.snapshots!, `${s.camera}-${String(Math.round(s.t_ms)).padStart(8, "0")}.jpg`);
          writeFileSync(path, s.jpeg);
          print({ type: "snapshot", camera: s.camera, areas: s.areas, path, t_ms: s.t_ms }, `${(s.t_ms / 1000).toFixed(1)}s snapshot ${path}`);
        });
      }
      const stop = () => pipeline.stop();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const error = await pipeline.run();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await detector.close();
      await faceDetector?.close();
      if (error) process.exitCode = 1;
    });
}
