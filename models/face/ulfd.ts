/**
 * Face detection with Ultra-Light-Fast-Generic-Face-Detector-1MB (Linzaer,
 * MIT), version RFB-320: the image is resized (not letterboxed: the model was
 * trained on stretched 320×240 inputs) and normalised to (x − 127) / 128 in
 * RGB; the model already decodes its anchors and returns face probabilities
 * and normalised corner boxes, so post-processing is a threshold and NMS
 * (IoU 0.3, as in the project's reference code).
 */
import * as ort from "onnxruntime-node";
import { createSession, type ExecutionProvider } from "../session.ts";
import { modelPath } from "../store.ts";
import type { Box } from "../detector/box.ts";
import { assertRgbImage, type RgbImage } from "../detector/image.ts";
import { axisTaps } from "../detector/letterbox.ts";
import { nonMaxSuppression } from "../detector/nms.ts";

const WIDTH = 320;
const HEIGHT = 240;

/** A face in source-frame pixels with its probability 0..1. */
export interface Face {
  score: number;
  box: Box;
}

export interface FaceDetectorOptions {
  /** Minimum face probability, default 0.7 (the reference demo's threshold). */
  scoreThreshold?: number;
  /** NMS IoU, default 0.3. */
  nmsIou?: number;
  /** Model file; default `modelPath("face-ulfd-rfb-320")` from the store. */
  modelPath?: string;
  providers?: ExecutionProvider[];
}

/** Resize RGB HWC to 320×240 and normalise into planar float32 RGB, (x − 127) / 128. */
export function faceInput(image: RgbImage, out = new Float32Array(3 * WIDTH * HEIGHT)): Float32Array {
  assertRgbImage(image, "face detector input");
  const xs = axisTaps(image.width, WIDTH);
  const ys = axisTaps(image.height, HEIGHT);
  const { rgb } = image;
  const stride = image.width * 3;
  const plane = WIDTH * HEIGHT;
  for (let y = 0; y < HEIGHT; y++) {
    const row0 = ys.i0[y] * stride;
    const row1 = ys.i1[y] * stride;
    const wy = ys.w1[y];
    for (let x = 0; x < WIDTH; x++) {
      const c0 = xs.i0[x] * 3;
      const c1 = xs.i1[x] * 3;
      const wx = xs.w1[x];
      for (let c = 0; c < 3; c++) {
        const top = rgb[row0 + c0 + c] + (rgb[row0 + c1 + c] - rgb[row0 + c0 + c]) * wx;
        const bottom = rgb[row1 + c0 + c] + (rgb[row1 + c1 + c] - rgb[row1 + c0 + c]) * wx;
        out[c * plane + y * WIDTH + x] = (top + (bottom - top) * wy - 127) / 128;
      }
    }
  }
  return out;
}

export class FaceDetector {
  private readonly input = new Float32Array(3 * WIDTH * HEIGHT);

  private constructor(private readonly session: ort.InferenceSession, private readonly threshold: number, private readonly nmsIou: number) {}

  /**
   * Load and warm up the model.
   * @throws ModelIntegrityError when the model file is missing or corrupt.
   */
  static async load(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const path = options.modelPath ?? (await modelPath("face-ulfd-rfb-320"));
    const { session } = await createSession(path, {
      providers: options.providers,
      quiet: true, // the export lists initializers as graph inputs and onnxruntime warns about each
      warmup: () => ({ input: new ort.Tensor("float32", new Float32Array(3 * WIDTH * HEIGHT), [1, 3, HEIGHT, WIDTH]) }),
    });
    return new FaceDetector(session, options.scoreThreshold ?? 0.7, options.nmsIou ?? 0.3);
  }

  /** Faces in `image`, best first, boxes in its pixels. */
  async detect(image: RgbImage): Promise<Face[]> {
    const feeds = { [this.session.inputNames[0]!]: new ort.Tensor("float32", faceInput(image, this.input), [1, 3, HEIGHT, WIDTH]) };
    const out = await this.session.run(feeds);
    const scores = out.scores!.data as Float32Array;
    const boxes = out.boxes!.data as Float32Array;
    const candidates: { classId: number; score: number; box: Box }[] = [];
    for (let i = 0; i < scores.length / 2; i++) {
      const score = scores[2 * i + 1]!;
      if (score < this.threshold) continue;
      const clip = (v: number) => Math.min(1, Math.max(0, v));
      candidates.push({
        classId: 0,
        score,
        box: { x1: clip(boxes[4 * i]!) * image.width, y1: clip(boxes[4 * i + 1]!) * image.height, x2: clip(boxes[4 * i + 2]!) * image.width, y2: clip(boxes[4 * i + 3]!) * image.height },
      });
    }
    return nonMaxSuppression(candidates, this.nmsIou).map(({ score, box }) => ({ score, box }));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
