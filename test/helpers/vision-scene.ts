/**
 * Drive real camera pipelines frame by frame for the vision questions: a
 * camera from a config entry, fed either pictures through the real YOLOX
 * detector or explicit detections (boxes handed to the tracker as a detector
 * would), with every track summary going into a Sightings board whose wall
 * clock the test sets.
 */
import { join } from "node:path";
import sharp from "sharp";
import type { Frame, FrameSourceStatus } from "../../agent/camera/frame-source.ts";
import { cameraSchema, type CameraConfig } from "../../agent/config/cameras.ts";
import { CameraPipeline, type FrameFeed } from "../../agent/vision/camera-pipeline.ts";
import type { Sightings } from "../../agent/vision/sightings.ts";
import type { TrackUpdate } from "../../agent/vision/track-summary.ts";
import type { Box, Detection } from "../../models/detector/box.ts";
import { COCO_LABELS } from "../../models/detector/coco-labels.ts";
import type { ObjectDetector } from "../../models/detector/detector.ts";
import type { RgbImage } from "../../models/detector/image.ts";
import { sharedData } from "./shared-data.ts";

/** A camera config entry from the fields a test cares about (file input unused: frames are handed in). */
export function camera(fields: Record<string, unknown>): CameraConfig {
  return cameraSchema.parse({ file: "unused.mp4", motion: { enabled: false }, ...fields });
}

/** A picture from ../shared/data/images as an rgb frame. */
export async function picture(name: string): Promise<RgbImage> {
  const { data, info } = await sharp(join(sharedData("images"), name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** A detection of `label` at `box` (pixels), as a detector reports it. */
export function detection(label: string, box: Box, score = 0.8): Detection {
  return { label, classId: COCO_LABELS.indexOf(label), score, box };
}

/** Detections handed over per frame: the detector boundary without a model (for scenes no picture shows). */
export class ScriptedDetector implements ObjectDetector {
  next: Detection[] = [];
  readonly lastTimings = { preMs: 0, inferMs: 0, postMs: 0 };
  async detect(): Promise<Detection[]> {
    return this.next;
  }
  async close(): Promise<void> {}
}

const NO_FEED: FrameFeed = {
  async *[Symbol.asyncIterator](): AsyncGenerator<Frame> {},
  on: (_event: "state", _listener: (status: FrameSourceStatus) => void) => undefined,
  close: () => undefined,
};

export interface SceneOptions {
  /** Also called with every track summary. */
  onTrack?: (u: TrackUpdate) => void;
  /** Time between frames, ms (default 200: 5 fps). */
  frameMs?: number;
  /** Time of the first frame: media ms (default 0), or epoch ms to play a live camera. */
  startMs?: number;
  /** Called after each frame with the time between frames (a test's wall clock follows the camera). */
  onFrame?: (frameMs: number) => void;
}

/** One camera played frame by frame, its tracks going to `sightings` (and `onTrack`). */
export class SceneCamera {
  readonly pipeline: CameraPipeline;
  private t: number;
  private index = 0;
  private readonly frameMs: number;
  private readonly onFrame?: (frameMs: number) => void;

  constructor(readonly config: CameraConfig, readonly detector: ObjectDetector, sightings: Sightings, options: SceneOptions = {}) {
    const onTrack = options.onTrack;
    this.frameMs = options.frameMs ?? 200;
    this.t = options.startMs ?? 0;
    this.onFrame = options.onFrame;
    this.pipeline = new CameraPipeline(NO_FEED, detector, {
      camera: config.name, area: config.area, zones: config.zones, labels: config.detector.labels, tracker: config.tracker, occupancy: config.occupancy, labelFilters: config.label_filters,
    });
    this.pipeline.on("track", (u) => {
      sightings.observe(u);
      onTrack?.(u);
    });
  }

  /** Let `ms` pass without frames (the camera saw nothing worth a frame, or was off). */
  skip(ms: number): void {
    this.t += ms;
  }

  /** Process `count` frames of `image` (a picture for a real detector, or just a size for scripted detections). */
  async play(image: RgbImage | { width: number; height: number }, count: number, detections?: Detection[]): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (detections && this.detector instanceof ScriptedDetector) this.detector.next = detections;
      await this.pipeline.process({ ...image, t: this.t, index: this.index++ });
      this.t += this.frameMs;
      this.onFrame?.(this.frameMs);
    }
  }
}
