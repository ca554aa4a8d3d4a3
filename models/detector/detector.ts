/** The interface every object detector backend implements. */
import type { Detection } from "./box.ts";
import type { SizedImage } from "./image.ts";
import type { LetterboxedImage } from "./letterbox.ts";

/** Time spent in each stage of the last `detect` call, in ms. */
export interface DetectTimings {
  preMs: number;
  inferMs: number;
  postMs: number;
}

export interface ObjectDetector {
  /**
   * Detect objects; boxes are in pixels of `image`. When `letterboxed` (the
   * same picture already letterboxed to the detector's input size) is given,
   * it is used instead of scaling `image` again, and `image` needs no pixels.
   * Rejects when the image is malformed, has neither pixels nor a letterboxed
   * copy, or inference fails.
   */
  detect(image: SizedImage, letterboxed?: LetterboxedImage): Promise<Detection[]>;
  /** Stage timings of the most recent `detect`. */
  readonly lastTimings: DetectTimings;
  /** Release the ONNX session. */
  close(): Promise<void>;
}
