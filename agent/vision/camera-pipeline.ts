/**
 * One camera's perception loop: frames → detector → tracker → zones →
 * occupancy, emitting VisionEvents (occupancy, track enter/leave, camera
 * state, errors) and, when occupancy changes, a JPEG snapshot. With a face
 * detector it also counts people close to and facing the camera ("facing"
 * events), running the face model only on frames that contain a person.
 * With motion settings and frames that carry a grey motion picture, the
 * detector runs only where something happens (see detection-gate.ts). It
 * holds no policy: scene rules and HA entities subscribe to its events. It never
 * throws for a camera failure; `run()` resolves with the CameraError instead.
 */
import { EventEmitter } from "node:events";
import type { Detection } from "../../models/detector/box.ts";
import type { ObjectDetector } from "../../models/detector/detector.ts";
import type { RgbImage } from "../../models/detector/image.ts";
import type { Face } from "../../models/face/ulfd.ts";
import { CameraError, type Frame, type FrameSourceStatus } from "../camera/frame-source.ts";
import type { LabelFilter, MotionSettings, OccupancySettings, TrackerSettings } from "../config/cameras.ts";
import { logger } from "../log.ts";
import type { OccupancyEvent, TrackEvent, VisionEvent } from "./events.ts";
import { DetectionGate, type GateDecision } from "./detection-gate.ts";
import { facingPeople } from "./facing.ts";
import { filterDetections } from "./label-filters.ts";
import { MOTION_PICTURE, MotionDetector } from "./motion.ts";
import { Occupancy } from "./occupancy.ts";
import { renderSnapshot, snapshotPicture, type SnapshotBox } from "./snapshot.ts";
import { TrackSummaries, type TrackUpdate } from "./track-summary.ts";
import { Tracker, type Track } from "./tracker.ts";
import { cameraZones, zonesContaining, type Zone } from "./zones.ts";

const log = logger("vision/camera-pipeline");

/** A JPEG of the frame at which occupancy changed, with boxes and zones drawn. */
export interface Snapshot {
  camera: string;
  /** Areas whose occupancy changed on this frame. */
  areas: string[];
  t_ms: number;
  jpeg: Buffer;
}

/** Where a pipeline gets its frames: a FrameSource, or anything iterable with the same state events. */
export interface FrameFeed extends AsyncIterable<Frame> {
  on(event: "state", listener: (status: FrameSourceStatus) => void): unknown;
  close(): void;
}

/** What the pipeline needs of a face detector (FaceDetector): faces in source-frame pixels. */
export interface FaceFinder {
  detect(image: RgbImage): Promise<Face[]>;
}

/** Face detection settings of a pipeline. */
export interface FacingOptions {
  detector: FaceFinder;
  /** Face height as a fraction of the frame height (0..1) from which a person counts as close. */
  minFaceHeight: number;
}

export interface CameraPipelineOptions {
  camera: string;
  /** The camera's area (the whole frame when no zones are given). */
  area: string;
  zones?: readonly Zone[];
  /** Labels counted for occupancy (the detector's labels). */
  labels: readonly string[];
  tracker: TrackerSettings;
  occupancy: OccupancySettings;
  /** Render a snapshot whenever occupancy changes. */
  snapshots?: boolean;
  /** Count people close to and facing the camera (off when absent). */
  facing?: FacingOptions;
  /** Gate the detector on motion (frames must carry `motion`, MOTION_PICTURE-sized); every frame is detected when absent. */
  motion?: MotionSettings;
  /** Per-label score and box-size filters (config `cameras[].labels`), applied before tracking. */
  labelFilters?: Readonly<Record<string, LabelFilter>>;
}

/** Per-stage time of the frames processed so far, in ms (for benchmarks and status). */
export interface PipelineStats {
  /** Frames received. */
  frames: number;
  /** Frames the detector ran on; the stage times below are over these. */
  detectedFrames: number;
  /** Frames by gate decision (tracking, motion, keepalive: detected; idle: skipped). */
  gate: Record<GateDecision, number>;
  /** Motion detection time in ms, over all frames. */
  motionMs: number;
  preMs: number;
  inferMs: number;
  postMs: number;
  /** Tracker, zones and occupancy. */
  trackMs: number;
  /** Frames the face detector ran on, and its total time in ms. */
  faceFrames: number;
  faceMs: number;
}

/** A JPEG of the frame with a track's new best box (the visual memory's event snapshot). */
export interface TrackSnapshot {
  camera: string;
  track_id: number;
  t_ms: number;
  jpeg: Buffer;
}

export interface CameraPipelineEvents {
  event: [event: VisionEvent];
  snapshot: [snapshot: Snapshot];
  /** A confirmed track started, got a better box, changed zones or stationarity, or ended (track-summary.ts). */
  track: [update: TrackUpdate];
  /** Rendered only while someone listens: the frame of a track's new best box. */
  trackSnapshot: [snapshot: TrackSnapshot];
  /** One frame went through detection (progress, for the service's health check). */
  frame: [info: { camera: string; t_ms: number }];
}

export class CameraPipeline extends EventEmitter<CameraPipelineEvents> {
  readonly zones: Zone[];
  readonly stats: PipelineStats = { frames: 0, detectedFrames: 0, gate: { tracking: 0, motion: 0, keepalive: 0, idle: 0 }, motionMs: 0, preMs: 0, inferMs: 0, postMs: 0, trackMs: 0, faceFrames: 0, faceMs: 0 };
  private readonly tracker: Tracker;
  private readonly occupancy: Occupancy;
  /** The facing count of the camera's area, with the same hysteresis as occupancy. */
  private readonly facing?: Occupancy;
  /** Zone names each track is in: `trackId → zone names`. */
  private readonly membership = new Map<number, Set<string>>();
  private readonly summaries: TrackSummaries;
  private snapshotChain: Promise<void> = Promise.resolve();
  private readonly gate?: DetectionGate;
  private readonly motion?: MotionDetector;

  constructor(private readonly source: FrameFeed, private readonly detector: ObjectDetector, readonly options: CameraPipelineOptions) {
    super();
    this.zones = cameraZones(options.area, options.zones);
    this.tracker = new Tracker(options.tracker);
    this.summaries = new TrackSummaries(options.camera);
    this.occupancy = new Occupancy(options.camera, options.occupancy, this.zones.map((z) => z.area), options.labels);
    if (options.facing) this.facing = new Occupancy(options.camera, options.occupancy, [options.area], [FACING]);
    if (options.motion?.enabled) {
      this.gate = new DetectionGate(options.motion);
      this.motion = new MotionDetector(MOTION_PICTURE.width, MOTION_PICTURE.height, { threshold: options.motion.threshold, minArea: options.motion.min_area });
    }
  }

  /** Current occupancy of every area × label. */
  occupancyState() {
    return this.occupancy.snapshot();
  }

  /** Stop the source; `run()` then resolves. */
  stop(): void {
    this.source.close();
  }

  /**
   * Process frames until the source ends or fails.
   * @returns undefined at the end of a file or after `stop()`, the CameraError when the camera failed for good.
   */
  async run(): Promise<CameraError | undefined> {
    const camera = this.options.camera;
    let lastT = 0;
    this.source.on("state", (s) => this.emitEvent({ type: "camera", camera, state: s.state, ...(s.state === "restarting" || s.state === "failed" ? { reason: s.lastError } : {}), t_ms: lastT }));
    try {
      for await (const frame of this.source) {
        lastT = frame.t;
        await this.process(frame);
      }
      this.flushTracks(lastT);
      return undefined;
    } catch (err) {
      const error = err instanceof CameraError ? err : new CameraError(camera, (err as Error).message);
      this.emitEvent({ type: "error", camera, message: error.message, t_ms: lastT });
      this.flushTracks(lastT);
      return error;
    } finally {
      await this.snapshotChain;
    }
  }

  /** Run one frame through detection, tracking and occupancy (public for benchmarks and tests). */
  async process(frame: Frame): Promise<void> {
    this.stats.frames++;
    if (this.gate && this.motion) {
      const t0 = performance.now();
      let moving: boolean | undefined;
      try {
        moving = frame.motion ? this.motion.update(frame.motion).motion : undefined;
      } catch (err) {
        this.emitEvent({ type: "error", camera: this.options.camera, message: `camera "${this.options.camera}": ${(err as Error).message}`, t_ms: frame.t });
      }
      this.stats.motionMs += performance.now() - t0;
      const busy = this.tracker.active.length > 0 || this.occupancy.busy || (this.facing?.busy ?? false);
      const decision = this.gate.decide(frame.t, busy, moving);
      this.stats.gate[decision]++;
      if (decision === "idle") {
        this.emit("frame", { camera: this.options.camera, t_ms: frame.t });
        return;
      }
    }
    let detections;
    try {
      detections = await this.detector.detect(frame, frame.letterboxed);
      if (this.options.labelFilters) detections = filterDetections(detections, this.options.labelFilters, frame.width, frame.height);
    } catch (err) {
      this.emitEvent({ type: "error", camera: this.options.camera, message: `camera "${this.options.camera}": detection failed: ${(err as Error).message}`, t_ms: frame.t });
      return;
    }
    const t0 = performance.now();
    const { preMs, inferMs, postMs } = this.detector.lastTimings;
    this.stats.detectedFrames++;
    this.emit("frame", { camera: this.options.camera, t_ms: frame.t });
    this.stats.preMs += preMs;
    this.stats.inferMs += inferMs;
    this.stats.postMs += postMs;
    const tracks = this.tracker.update(detections, frame.t);
    for (const gone of this.tracker.removed) this.leaveAll(gone, frame.t);
    const counts = new Map<string, Map<string, number>>();
    for (const track of tracks) {
      if (!track.confirmed) continue;
      const inside = new Set(zonesContaining(track.box, frame.width, frame.height, this.zones).map((z) => z.name));
      this.updateMembership(track, inside, frame.t);
      if (!track.seen) continue;
      const areas = new Set(this.zones.filter((z) => inside.has(z.name)).map((z) => z.area));
      for (const area of areas) {
        const perLabel = counts.get(area) ?? new Map<string, number>();
        perLabel.set(track.label, (perLabel.get(track.label) ?? 0) + 1);
        counts.set(area, perLabel);
      }
    }
    this.reportTracks(frame, tracks);
    const changes = this.occupancy.update(counts, frame.t);
    for (const event of changes) this.emitEvent(event);
    this.stats.trackMs += performance.now() - t0;
    // The first frame announces every area as empty: not a change worth a picture.
    const changed = this.stats.detectedFrames === 1 ? changes.filter((e) => e.occupied) : changes;
    if (this.options.snapshots && changed.length && this.listenerCount("snapshot")) this.queueSnapshot(frame, tracks, changed);
    if (this.facing) await this.updateFacing(frame, detections);
  }

  /** Count close, facing people on this frame; the face model runs only when a person was detected. */
  private async updateFacing(frame: Frame, detections: readonly Detection[]): Promise<void> {
    const { detector, minFaceHeight } = this.options.facing!;
    let count = 0;
    if (detections.some((d) => d.label === "person")) {
      const t0 = performance.now();
      try {
        if (!frame.rgb) throw new Error("the frame has no full-size picture (the source must deliver full frames for the face check)");
        count = facingPeople(await detector.detect({ rgb: frame.rgb, width: frame.width, height: frame.height }), detections, frame.height, minFaceHeight).length;
      } catch (err) {
        this.emitEvent({ type: "error", camera: this.options.camera, message: `camera "${this.options.camera}": face detection failed: ${(err as Error).message}`, t_ms: frame.t });
        return;
      }
      this.stats.faceFrames++;
      this.stats.faceMs += performance.now() - t0;
    }
    const counts = new Map([[this.options.area, new Map([[FACING, count]])]]);
    for (const change of this.facing!.update(counts, frame.t)) this.emitEvent({ type: "facing", camera: change.camera, area: change.area, count: change.count, t_ms: change.t_ms });
  }

  private updateMembership(track: Track, inside: Set<string>, tMs: number): void {
    const before = this.membership.get(track.id) ?? new Set<string>();
    for (const zone of inside) if (!before.has(zone)) this.emitTrack("track_enter", track, zone, tMs);
    for (const zone of before) if (!inside.has(zone)) this.emitTrack("track_leave", track, zone, tMs);
    this.membership.set(track.id, inside);
  }

  private leaveAll(track: Track, tMs: number): void {
    for (const zone of this.membership.get(track.id) ?? []) this.emitTrack("track_leave", track, zone, tMs);
    this.membership.delete(track.id);
    const ended = this.summaries.end(track);
    if (ended) this.emit("track", ended);
  }

  /** Track summaries for the memory, with a snapshot of each new best box when someone listens. */
  private reportTracks(frame: Frame, tracks: readonly Track[]): void {
    const zoneAreas = (track: Track) => {
      const zones = [...(this.membership.get(track.id) ?? [])];
      // Outside every zone an object is still in the camera's picture, so in its area (for the memory and the questions).
      return { zones, areas: zones.length ? [...new Set(zones.map((name) => this.zones.find((z) => z.name === name)!.area))] : [this.options.area] };
    };
    for (const update of this.summaries.observe(tracks, zoneAreas, frame.width, frame.height)) {
      this.emit("track", update);
      if (update.best && this.listenerCount("trackSnapshot")) this.queueTrackSnapshot(frame, tracks, update);
    }
  }

  /**
   * Render `frame` as a JPEG with `boxes` (source-frame pixels, taken when the
   * snapshot was queued: tracks move on meanwhile), drawn on whichever picture
   * the camera carries (the full frame or the detector's input).
   */
  private async renderFrame(frame: Frame, boxes: readonly SnapshotBox[], caption: string): Promise<Buffer> {
    const picture = snapshotPicture(frame);
    const scaled = boxes.map((b) => ({ ...b, box: { x1: b.box.x1 * picture.scaleX, y1: b.box.y1 * picture.scaleY, x2: b.box.x2 * picture.scaleX, y2: b.box.y2 * picture.scaleY } }));
    return renderSnapshot(picture.image, scaled, this.zones, { caption });
  }

  private queueTrackSnapshot(frame: Frame, tracks: readonly Track[], update: TrackUpdate): void {
    const boxes = seenBoxes(tracks);
    const caption = `${this.options.camera} ${update.label} #${update.track_id} t=${(frame.t / 1000).toFixed(1)}s`;
    this.snapshotChain = this.snapshotChain.then(async () => {
      try {
        const jpeg = await this.renderFrame(frame, boxes, caption);
        this.emit("trackSnapshot", { camera: this.options.camera, track_id: update.track_id, t_ms: frame.t, jpeg });
      } catch (err) {
        log.error({ camera: this.options.camera, err: (err as Error).message }, "track snapshot failed");
      }
    });
  }

  /** At the end of the input every live track leaves its zones. */
  private flushTracks(tMs: number): void {
    for (const track of this.tracker.active) this.leaveAll(track, tMs);
  }

  private emitTrack(type: TrackEvent["type"], track: Track, zoneName: string, tMs: number): void {
    const zone = this.zones.find((z) => z.name === zoneName)!;
    this.emitEvent({ type, camera: this.options.camera, area: zone.area, zone: zone.name, label: track.label, track_id: track.id, score: round(track.score, 3), box: roundBox(track.box), t_ms: tMs });
  }

  private emitEvent(event: VisionEvent): void {
    this.emit("event", event);
  }

  private queueSnapshot(frame: Frame, tracks: readonly Track[], changes: OccupancyEvent[]): void {
    const boxes = seenBoxes(tracks);
    const areas = [...new Set(changes.map((c) => c.area))];
    const caption = `${this.options.camera} ${areas.join(", ")} t=${(frame.t / 1000).toFixed(1)}s`;
    // Serialised so snapshots arrive in frame order; a failed render is logged, not fatal.
    this.snapshotChain = this.snapshotChain.then(async () => {
      try {
        const jpeg = await this.renderFrame(frame, boxes, caption);
        this.emit("snapshot", { camera: this.options.camera, areas, t_ms: frame.t, jpeg });
      } catch (err) {
        log.error({ camera: this.options.camera, err: (err as Error).message }, "snapshot failed");
      }
    });
  }
}

/** The boxes of the confirmed tracks seen in this frame, for a snapshot. */
function seenBoxes(tracks: readonly Track[]): SnapshotBox[] {
  return tracks.filter((t) => t.confirmed && t.seen).map((t) => ({ label: t.label, score: t.score, box: t.box, trackId: t.id }));
}

/** The label under which the facing count runs through Occupancy's hysteresis. */
const FACING = "facing";

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function roundBox(b: Track["box"]): Track["box"] {
  return { x1: round(b.x1, 1), y1: round(b.y1, 1), x2: round(b.x2, 1), y2: round(b.y2, 1) };
}
