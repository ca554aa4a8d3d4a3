/**
 * Letterbox pre-processing for YOLOX: scale the image by r = min(S/w, S/h)
 * with bilinear interpolation (OpenCV's INTER_LINEAR pixel-centre convention),
 * place it at the top-left of an S×S canvas filled with the pad value, and
 * write it as planar float32 BGR 0..255 (CHW), which is what the YOLOX ONNX
 * export expects (Megvii YOLOX `preproc`, no mean/std).
 */
import { assertRgbImage, type RgbImage } from "./image.ts";

/** Where the source image landed inside the letterboxed canvas. */
export interface LetterboxGeometry {
  /** Canvas side S in pixels. */
  size: number;
  /** Size of the scaled image inside the canvas (top-left aligned), pixels. */
  scaledWidth: number;
  scaledHeight: number;
  /** Canvas pixels per source pixel along x and y (scaledWidth / width). */
  scaleX: number;
  scaleY: number;
}

/** Scaled size for a source of `width`×`height` in an S×S canvas (YOLOX rounds down: `int(w * r)`). */
export function letterboxGeometry(width: number, height: number, size: number): LetterboxGeometry {
  const r = Math.min(size / width, size / height);
  const scaledWidth = Math.max(1, Math.min(size, Math.floor(width * r)));
  const scaledHeight = Math.max(1, Math.min(size, Math.floor(height * r)));
  return { size, scaledWidth, scaledHeight, scaleX: scaledWidth / width, scaleY: scaledHeight / height };
}

/**
 * Precomputed bilinear taps along one axis (OpenCV INTER_LINEAR pixel-centre
 * convention): for each destination index, the two source indices and the
 * weight of the second.
 */
export function axisTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const w1 = new Float32Array(dst);
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    // Pixel centres line up: source coordinate of destination pixel d's centre.
    let s = (d + 0.5) * scale - 0.5;
    if (s < 0) s = 0;
    let lo = Math.floor(s);
    if (lo > src - 1) lo = src - 1;
    const hi = Math.min(lo + 1, src - 1);
    i0[d] = lo;
    i1[d] = hi;
    w1[d] = s - lo;
  }
  return { i0, i1, w1 };
}

/**
 * Letterbox an RGB image into a float32 CHW BGR tensor of S×S.
 * @param out optional reusable buffer of 3·S·S floats (saves an allocation per frame).
 * @throws Error when the image's buffer does not match its size.
 */
export function letterbox(image: RgbImage, size: number, pad = 114, out?: Float32Array): { tensor: Float32Array; geometry: LetterboxGeometry } {
  assertRgbImage(image, "letterbox input");
  const { rgb, width } = image;
  const geometry = letterboxGeometry(image.width, image.height, size);
  const { scaledWidth: sw, scaledHeight: sh } = geometry;
  const plane = size * size;
  const tensor = out && out.length === 3 * plane ? out : new Float32Array(3 * plane);
  tensor.fill(pad);
  const xs = axisTaps(image.width, sw);
  const ys = axisTaps(image.height, sh);
  const stride = width * 3;
  for (let y = 0; y < sh; y++) {
    const row0 = ys.i0[y] * stride;
    const row1 = ys.i1[y] * stride;
    const wy = ys.w1[y];
    const base = y * size;
    for (let x = 0; x < sw; x++) {
      const c0 = xs.i0[x] * 3;
      const c1 = xs.i1[x] * 3;
      const wx = xs.w1[x];
      const o = base + x;
      for (let c = 0; c < 3; c++) {
        const top = rgb[row0 + c0 + c] + (rgb[row0 + c1 + c] - rgb[row0 + c0 + c]) * wx;
        const bottom = rgb[row1 + c0 + c] + (rgb[row1 + c1 + c] - rgb[row1 + c0 + c]) * wx;
        // RGB in, BGR planes out: channel c goes to plane 2 - c.
        tensor[(2 - c) * plane + o] = top + (bottom - top) * wy;
      }
    }
  }
  return { tensor, geometry };
}

/** A letterboxed image already scaled elsewhere (e.g. by ffmpeg): S×S×3 bgr24 interleaved. */
export interface LetterboxedImage {
  bgr: Uint8Array;
  geometry: LetterboxGeometry;
}

/**
 * Interleaved bgr24 S×S (HWC) → planar float32 BGR (CHW), values unchanged.
 * @throws Error when the buffer is not S×S×3 bytes.
 */
export function planarFromBgr(bgr: Uint8Array, size: number, out?: Float32Array): Float32Array {
  const plane = size * size;
  if (bgr.length !== plane * 3) throw new Error(`letterboxed input has ${bgr.length} bytes, expected ${size}x${size}x3 = ${plane * 3}`);
  const tensor = out && out.length === 3 * plane ? out : new Float32Array(3 * plane);
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    tensor[i] = bgr[p];
    tensor[plane + i] = bgr[p + 1];
    tensor[2 * plane + i] = bgr[p + 2];
  }
  return tensor;
}
