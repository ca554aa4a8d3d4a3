/** An 8-bit RGB image, interleaved (HWC), row-major without padding: `rgb.length === width * height * 3`. */
export interface RgbImage {
  rgb: Uint8Array;
  /** Pixels. */
  width: number;
  height: number;
}

/**
 * Check that an image's buffer matches its dimensions.
 * @throws Error naming `what` when the sizes disagree or are not positive integers.
 */
export function assertRgbImage(image: RgbImage, what: string): void {
  const { width, height, rgb } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${what}: invalid image size ${width}x${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new Error(`${what}: rgb buffer has ${rgb.length} bytes, expected ${width}x${height}x3 = ${width * height * 3}`);
  }
}

/** A picture's size in pixels, with its rgb24 pixels when they are at hand (a camera frame may carry only the detector's letterboxed copy). */
export interface SizedImage {
  width: number;
  height: number;
  rgb?: Uint8Array;
}
