/**
 * Builds a camera's whole perception chain from its config section: the
 * ffmpeg FrameSource (asking ffmpeg for the detector's letterboxed input, the
 * grey motion picture when motion gating is on, and the full-size frame only
 * when the face check needs it: snapshots are drawn on the detector's input),
 * a YOLOX-Nano detector with the camera's labels and thresholds, the ULFD
 * face detector when the camera's `faces.enabled` is set, and the
 * CameraPipeline. The integrator calls this once per configured camera.
 */
import { YOLOX_INPUT_SIZE, YOLOX_PAD_VALUE, YoloxDetector } from "../../models/detector/yolox.ts";
import type { ExecutionProvider } from "../../models/session.ts";
import { FaceDetector } from "../../models/face/ulfd.ts";
import { FrameSource } from "../camera/frame-source.ts";
import type { CameraInput } from "../camera/ffmpeg-args.ts";
import type { CameraConfig } from "../config/cameras.ts";
import { CameraPipeline } from "./camera-pipeline.ts";
import { MOTION_PICTURE } from "./motion.ts";

export interface CreateCameraOptions {
  /** Render snapshots on occupancy changes. */
  snapshots?: boolean;
  /** Files: play at the media's pace (a file standing in for a live camera). Default false: as fast as possible. */
  realtime?: boolean;
  ffmpegPath?: string;
  /** Model file override (default: the store's verified yolox-nano). */
  modelPath?: string;
  /** Face model file override (default: the store's verified face-ulfd-rfb-320). */
  faceModelPath?: string;
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
 * Close `detector` (and `faceDetector`, when present) after the pipeline has finished.
 * @throws ModelIntegrityError when a model is missing or corrupt; Error for unknown labels.
 */
export async function createCamera(
  camera: CameraConfig,
  options: CreateCameraOptions = {},
): Promise<{ pipeline: CameraPipeline; source: FrameSource; detector: YoloxDetector; faceDetector?: FaceDetector }> {
  const detector = await YoloxDetector.load({
    labels: camera.detector.labels,
    scoreThreshold: camera.detector.score_threshold,
    thresholds: camera.detector.thresholds,
    nmsIou: camera.detector.nms_iou,
    modelPath: options.modelPath,
    providers: options.providers,
  });
  const faceDetector = camera.faces.enabled
    ? await FaceDetector.load({ scoreThreshold: camera.faces.score_threshold, modelPath: options.faceModelPath, providers: options.providers })
    : undefined;
  const source = new FrameSource({
    camera: camera.name,
    input: cameraInput(camera),
    fps: camera.fps,
    full: camera.faces.enabled,
    letterbox: { size: YOLOX_INPUT_SIZE, pad: YOLOX_PAD_VALUE },
    ...(camera.motion.enabled ? { motion: MOTION_PICTURE } : {}),
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
    motion: camera.motion,
    labelFilters: camera.label_filters,
    ...(faceDetector ? { facing: { detector: faceDetector, minFaceHeight: camera.faces.min_face_height } } : {}),
  });
  return { pipeline, source, detector, ...(faceDetector ? { faceDetector } : {}) };
}
