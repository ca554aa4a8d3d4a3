/**
 * YOLOX-Nano (Megvii YOLOX, COCO-80, 416×416) on onnxruntime-node:
 * letterbox → inference → grid decode → class-aware NMS. The model file comes
 * from the model store (`modelPath("yolox-nano")`, checksum-verified).
 */
import * as ort from "onnxruntime-node";
import { createSession, type ExecutionProvider } from "../session.ts";
import { modelPath } from "../store.ts";
import type { Detection } from "./box.ts";
import { COCO_LABELS } from "./coco-labels.ts";
import { decodeYolox } from "./decode.ts";
import type { DetectTimings, ObjectDetector } from "./detector.ts";
import type { SizedImage } from "./image.ts";
import { letterbox, planarFromBgr, type LetterboxedImage } from "./letterbox.ts";
import { nonMaxSuppression } from "./nms.ts";

export const YOLOX_INPUT_SIZE = 416;
export const YOLOX_STRIDES = [8, 16, 32] as const;
/** Grey the YOLOX training pipeline pads with. */
export const YOLOX_PAD_VALUE = 114;

export interface YoloxOptions {
  /** Labels to keep (COCO names); all 80 when omitted. */
  labels?: string[];
  /** Minimum score (objectness × class), default 0.35. */
  scoreThreshold?: number;
  /** Per-label score thresholds overriding `scoreThreshold`. */
  thresholds?: Record<string, number>;
  /** NMS IoU threshold, default 0.45. */
  nmsIou?: number;
  /** Model file; default `modelPath("yolox-nano")` from the store. */
  modelPath?: string;
  providers?: ExecutionProvider[];
  /** onnxruntime intra-op threads, default 1. */
  intraOpThreads?: number;
}

/** Map COCO names to class ids. @throws Error naming unknown labels. */
export function cocoClassIds(labels: readonly string[]): Set<number> {
  const unknown = labels.filter((l) => !COCO_LABELS.includes(l));
  if (unknown.length) throw new Error(`unknown detector label(s) ${unknown.map((l) => `"${l}"`).join(", ")}; COCO labels are: ${COCO_LABELS.join(", ")}`);
  return new Set(labels.map((l) => COCO_LABELS.indexOf(l)));
}

export class YoloxDetector implements ObjectDetector {
  lastTimings: DetectTimings = { preMs: 0, inferMs: 0, postMs: 0 };
  private readonly input = new Float32Array(3 * YOLOX_INPUT_SIZE * YOLOX_INPUT_SIZE);

  private constructor(
    readonly session: ort.InferenceSession,
    private readonly classes: ReadonlySet<number> | undefined,
    private readonly minScore: (classId: number) => number,
    private readonly nmsIou: number,
  ) {}

  /**
   * Load and warm up the model.
   * @throws ModelIntegrityError when the model file is missing or corrupt; Error for unknown labels or an unloadable model.
   */
  static async load(options: YoloxOptions = {}): Promise<YoloxDetector> {
    const classes = options.labels ? cocoClassIds(options.labels) : undefined;
    const base = options.scoreThreshold ?? 0.35;
    const perClass = new Float32Array(COCO_LABELS.length).fill(base);
    for (const [label, threshold] of Object.entries(options.thresholds ?? {})) {
      const [id] = cocoClassIds([label]);
      perClass[id!] = threshold;
    }
    const path = options.modelPath ?? (await modelPath("yolox-nano"));
    const { session } = await createSession(path, {
      providers: options.providers,
      intraOpThreads: options.intraOpThreads,
      warmup: () => ({ images: new ort.Tensor("float32", new Float32Array(3 * YOLOX_INPUT_SIZE ** 2).fill(YOLOX_PAD_VALUE), [1, 3, YOLOX_INPUT_SIZE, YOLOX_INPUT_SIZE]) }),
    });
    return new YoloxDetector(session, classes, (c) => perClass[c]!, options.nmsIou ?? 0.45);
  }

  /** The float32 CHW BGR input tensor for an image, as `detect` feeds it (also for benchmarks). */
  preprocess(image: SizedImage, letterboxed?: LetterboxedImage) {
    if (letterboxed && letterboxed.geometry.size === YOLOX_INPUT_SIZE) {
      return { tensor: planarFromBgr(letterboxed.bgr, YOLOX_INPUT_SIZE, this.input), geometry: letterboxed.geometry };
    }
    if (!image.rgb) throw new Error(`detector input ${image.width}x${image.height}: no pixels and no ${YOLOX_INPUT_SIZE}x${YOLOX_INPUT_SIZE} letterboxed copy`);
    return letterbox({ rgb: image.rgb, width: image.width, height: image.height }, YOLOX_INPUT_SIZE, YOLOX_PAD_VALUE, this.input);
  }

  async detect(image: SizedImage, letterboxed?: LetterboxedImage): Promise<Detection[]> {
    const t0 = performance.now();
    const { tensor, geometry } = this.preprocess(image, letterboxed);
    const t1 = performance.now();
    const result = await this.session.run({ images: new ort.Tensor("float32", tensor, [1, 3, YOLOX_INPUT_SIZE, YOLOX_INPUT_SIZE]) });
    const t2 = performance.now();
    const output = result[this.session.outputNames[0]!]!.data as Float32Array;
    const candidates = decodeYolox(output, geometry, image.width, image.height, {
      inputSize: YOLOX_INPUT_SIZE,
      strides: YOLOX_STRIDES,
      numClasses: COCO_LABELS.length,
      minScore: this.minScore,
      classes: this.classes,
    });
    const detections = nonMaxSuppression(candidates, this.nmsIou).map((c) => ({ label: COCO_LABELS[c.classId]!, classId: c.classId, score: c.score, box: c.box }));
    this.lastTimings = { preMs: t1 - t0, inferMs: t2 - t1, postMs: performance.now() - t2 };
    return detections;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
