/**
 * Turns the cameras' track summaries (agent/vision/track-summary.ts) into
 * stored events: the pipeline's `track` and `trackSnapshot` emissions are only
 * queued here (nothing waits on the disk in a frame's path); a timer commits
 * the queue in one transaction every `flush_ms`, writes the best snapshot and
 * a thumbnail per event, and applies retention by age and picture size.
 * Each change is also reported as a Frigate-style message (`new`, `update`,
 * `end` with `before`/`after`), so automations written for `frigate/events`
 * carry over.
 *
 * A full disk (ENOSPC, EDQUOT) stops snapshot writing with one warning; the
 * events are still stored.
 */
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { MemoryConfig } from "../config/memory.ts";
import { logger } from "../log.ts";
import type { TrackSnapshot } from "../vision/camera-pipeline.ts";
import type { TrackUpdate } from "../vision/track-summary.ts";
import type { MemoryEvent, MemoryStore } from "./store.ts";

const log = logger("memory/recorder");

/** Frigate's tracked-object fields that hearth fills (times in epoch seconds, box `[x1, y1, x2, y2]` pixels). */
export interface FrigateObject {
  id: string;
  camera: string;
  label: string;
  sub_label: null;
  score: number;
  top_score: number;
  start_time: number;
  end_time: number | null;
  frame_time: number;
  box: [number, number, number, number];
  /** Box area in pixels (Frigate's meaning of `area`); the HA areas are `current_areas`/`entered_areas`. */
  area: number;
  ratio: number;
  current_zones: string[];
  entered_zones: string[];
  current_areas: string[];
  entered_areas: string[];
  stationary: boolean;
  has_snapshot: boolean;
  has_clip: false;
  false_positive: false;
}

/** A message for `hearth/<id>/events` shaped like Frigate's `frigate/events`. */
export interface FrigateEventMessage {
  type: "new" | "update" | "end";
  before: FrigateObject;
  after: FrigateObject;
}

export interface RecorderOptions {
  config: MemoryConfig;
  snapshotsDir: string;
  /** The wall clock (epoch ms); tests pass a fixed one. */
  now?: () => number;
  /** Writes a file (the disk boundary; tests hand in one that fails like a full disk). */
  writeFile?: (path: string, data: Buffer) => Promise<void>;
}

interface Open {
  event: MemoryEvent;
  last: FrigateObject;
  /** Snapshot JPEG waiting to be written. */
  pendingJpeg?: Buffer;
  ended: boolean;
}

const RETENTION_EVERY_MS = 3_600_000;

export class MemoryRecorder {
  private readonly open = new Map<string, Open>();
  /** camera → epoch ms at camera time 0, for cameras whose clock is media time. */
  private readonly origins = new Map<string, number>();
  private readonly dirty = new Set<Open>();
  private timer?: NodeJS.Timeout;
  private lastRetention = 0;
  private snapshotsDisabled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly write: (path: string, data: Buffer) => Promise<void>;
  /** Called with every Frigate-style message. */
  onMessage?: (message: FrigateEventMessage) => void;

  constructor(private readonly store: MemoryStore, private readonly options: RecorderOptions) {
    this.now = options.now ?? Date.now;
    this.write = options.writeFile ?? ((path, data) => writeFile(path, data));
  }

  /** Start the periodic commit (and a first retention pass). */
  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.config.flush_ms);
    this.timer.unref();
  }

  /** Camera time → epoch ms: live cameras already give epoch ms; a file's media time starts at its first frame's wall time. */
  private epoch(camera: string, t: number): number {
    if (t > 1e12) return t;
    let origin = this.origins.get(camera);
    if (origin === undefined) {
      origin = this.now() - t;
      this.origins.set(camera, origin);
    }
    return Math.round(origin + t);
  }

  /** Queue one track summary (never blocks: the database is written by `flush`). */
  track(update: TrackUpdate): void {
    const key = `${update.camera}\u0000${update.track_id}`;
    let open = this.open.get(key);
    const start = this.epoch(update.camera, update.first_ms);
    const b = update.best_box;
    const box: MemoryEvent["box"] = [round1(b.x1), round1(b.y1), round1(b.x2), round1(b.y2)];
    if (!open) {
      const id = `${(start / 1000).toFixed(3)}-${update.camera}-${update.track_id}`;
      const event: MemoryEvent = {
        id, camera: update.camera, label: update.label, area: update.entered_areas[0] ?? "", areas: [...update.entered_areas], zones: [...update.entered_zones],
        start_ms: start, end_ms: null, source_start_ms: Math.round(update.first_ms), source_end_ms: null, top_score: round3(update.top_score), box,
        stationary: update.stationary, snapshot_path: null, thumbnail_path: null, snapshot_bytes: 0,
      };
      open = { event, last: frigateObject(event, update, this.epoch(update.camera, update.last_seen_ms)), ended: false };
      this.open.set(key, open);
      this.dirty.add(open);
      this.onMessage?.({ type: "new", before: open.last, after: open.last });
      if (update.phase !== "end") return;
    }
    const e = open.event;
    if (!e.area && update.entered_areas[0]) e.area = update.entered_areas[0];
    e.areas = [...update.entered_areas];
    e.zones = [...update.entered_zones];
    e.top_score = round3(update.top_score);
    e.box = box;
    e.stationary = update.stationary;
    if (update.phase === "end") {
      e.end_ms = this.epoch(update.camera, update.last_seen_ms);
      e.source_end_ms = Math.round(update.last_seen_ms);
      open.ended = true;
    }
    const after = frigateObject(e, update, this.epoch(update.camera, update.last_seen_ms));
    this.onMessage?.({ type: update.phase === "end" ? "end" : "update", before: open.last, after });
    open.last = after;
    this.dirty.add(open);
  }

  /** Queue the JPEG of a track's new best box. */
  snapshot(snapshot: TrackSnapshot): void {
    const open = this.open.get(`${snapshot.camera}\u0000${snapshot.track_id}`);
    if (!open || this.snapshotsDisabled) return;
    open.pendingJpeg = snapshot.jpeg;
    this.dirty.add(open);
  }

  /** Events still being tracked. */
  active(): MemoryEvent[] {
    return [...this.open.values()].filter((o) => !o.ended).map((o) => ({ ...o.event }));
  }

  /** Write pictures, commit queued changes in one transaction, prune when due. Serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((err: Error) => log.error({ err: err.message }, "memory write failed"));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const open of batch) {
      const jpeg = open.pendingJpeg;
      open.pendingJpeg = undefined;
      if (jpeg && !this.snapshotsDisabled) await this.writePictures(open.event, jpeg);
    }
    this.store.write(batch.map((o) => o.event));
    for (const open of batch) if (open.ended) this.open.delete(`${open.event.camera}\u0000${open.event.id.split("-").at(-1)}`);
    if (this.now() - this.lastRetention >= RETENTION_EVERY_MS) await this.retain();
  }

  private async writePictures(event: MemoryEvent, jpeg: Buffer): Promise<void> {
    const dir = join(this.options.snapshotsDir, event.camera);
    const snapshot = join(dir, `${event.id}.jpg`);
    const thumbnail = join(dir, `${event.id}-thumb.jpg`);
    try {
      const thumb = await sharp(jpeg).resize({ height: this.options.config.thumbnail_height }).jpeg({ quality: 70 }).toBuffer();
      await mkdir(dir, { recursive: true });
      await this.write(snapshot, jpeg);
      await this.write(thumbnail, thumb);
      event.snapshot_path = snapshot;
      event.thumbnail_path = thumbnail;
      event.snapshot_bytes = jpeg.length + thumb.length;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") {
        this.snapshotsDisabled = true;
        log.warn({ dir: this.options.snapshotsDir, err: (err as Error).message }, "disk full: snapshot writing stopped until restart; events are still recorded");
        return;
      }
      log.error({ path: snapshot, err: (err as Error).message }, "cannot write snapshot");
    }
  }

  /** Delete events older than `retain_days`, then pictures beyond `max_snapshot_mb`. */
  async retain(): Promise<void> {
    this.lastRetention = this.now();
    const { retain_days, max_snapshot_mb } = this.options.config;
    const gone = [...this.store.deleteEndedBefore(this.now() - retain_days * 86_400_000), ...this.store.trimSnapshots(max_snapshot_mb * 1_048_576)];
    for (const e of gone) for (const path of [e.snapshot_path, e.thumbnail_path]) if (path) await unlink(path).catch(() => undefined);
    if (gone.length) log.info({ events: gone.length }, "memory retention applied");
  }

  /** End every open event at its last sighting (the service stops) and commit. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

function frigateObject(e: MemoryEvent, u: TrackUpdate, frameEpochMs: number): FrigateObject {
  const [x1, y1, x2, y2] = [u.box.x1, u.box.y1, u.box.x2, u.box.y2].map(round1) as [number, number, number, number];
  const w = Math.max(x2 - x1, 0), h = Math.max(y2 - y1, 1);
  return {
    id: e.id, camera: e.camera, label: e.label, sub_label: null, score: round3(u.score), top_score: e.top_score,
    start_time: e.start_ms / 1000, end_time: e.end_ms === null ? null : e.end_ms / 1000, frame_time: frameEpochMs / 1000,
    box: [x1, y1, x2, y2], area: Math.round(w * h), ratio: round3(w / h),
    current_zones: [...u.zones], entered_zones: [...u.entered_zones], current_areas: [...u.areas], entered_areas: [...u.entered_areas],
    stationary: u.stationary, has_snapshot: e.snapshot_path !== null || u.best, has_clip: false, false_positive: false,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
