/**
 * Builds a camera's whole perception chain from its config section: the
 * ffmpeg FrameSource (asking ffmpeg for the detector's letterboxed input),
 * a YOLOX-Nano detector with the camera's labels and thresholds, and the
 * CameraPipeline. The integrator calls this once per configured camera.
 */
import { YOLOX_INPUT_SIZE, YOLOX_PAD_VALUE, YoloxDetector } from "../../models/detector/yolox.ts";
import type { ExecutionProvider } from "../../models/session.ts";
import { FrameSource } from "../camera/frame-source.ts";
import type { CameraInput } from "../camera/ffmpeg-args.ts";
import type { CameraConfig } from "../config/cameras.ts";
import { CameraPipeline } from "./camera-pipeline.ts";

export interface CreateCameraOptions {
  /** Render snapshots on occupancy changes. */
  snapshots?: boolean;
  /** Files: play at the media's pace (a file standing in for a live camera). Default false: as fast as possible. */
  realtime?: boolean;
  ffmpegPath?: string;
  /** Model file override (default: the store's verified yolox-nano). */
  modelPath?: string;
  providers?: ExecutionProvider[];
  /** Give up after this many consecutive failed starts (default: FrameSource's). */
  maxFailures?: number;
}

/** The FrameSource input for a camera config entry. */
export function cameraInput(camera: CameraConfig): CameraInput {
  if (camera.file !== undefined) return { kind: "file", path: camera.file, loop: camera.loop };
  if (camera.device !== undefined) return { kind: "device", path: camera.device };
  return { kind: "url", url: camera.url! };
}

/**
 * Create source, detector and pipeline for one camera (nothing runs until `pipeline.run()`).
 * @throws ModelIntegrityError when the model is missing or corrupt; Error for unknown labels.
 */
export async function createCamera(camera: CameraConfig, options: CreateCameraOptions = {}): Promise<{ pipeline: CameraPipeline; source: FrameSource; detector: YoloxDetector }> {
  const detector = await YoloxDetector.load({
    labels: camera.detector.labels,
    scoreThreshold: camera.detector.score_threshold,
    thresholds: camera.detector.thresholds,
    nmsIou: camera.detector.nms_iou,
    modelPath: options.modelPath,
    providers: options.providers,
  });
  const source = new FrameSource({
    camera: camera.name,
    input: cameraInput(camera),
    fps: camera.fps,
    letterbox: { size: YOLOX_INPUT_SIZE, pad: YOLOX_PAD_VALUE },
    realtime: options.realtime,
    stallTimeoutMs: camera.stall_timeout_s * 1000,
    restartMinMs: camera.restart_min_ms,
    restartMaxMs: camera.restart_max_ms,
    maxFailures: options.maxFailures,
    ffmpegPath: options.ffmpegPath,
  });
  const pipeline = new CameraPipeline(source, detector, {
    camera: camera.name,
    area: camera.area,
    zones: camera.zones,
    labels: camera.detector.labels,
    tracker: camera.tracker,
    occupancy: camera.occupancy,
    snapshots: options.snapshots,
  });
  return { pipeline, source, detector };
}
