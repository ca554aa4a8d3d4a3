/**
 * Motion detection by frame differencing on a small grey picture (the one
 * ffmpeg scales down with area averaging), after Frigate's motion detector:
 * each frame is compared with a running-average background; a pixel has
 * changed when it differs from the background by more than `threshold` grey
 * levels, and the frame has motion when the changed pixels cover at least
 * `minArea` of the picture. The background follows slow changes (daylight,
 * a camera's auto exposure) at rate `alpha` per frame. A frame where nearly
 * everything changed at once (a light switched on) counts as motion and
 * restarts the background from it.
 */

export interface MotionDetectorSettings {
  /** Grey levels (0..255) a pixel must differ from the background by to count as changed. */
  threshold: number;
  /** Fraction of the picture (0..1) that must change for the frame to have motion. */
  minArea: number;
  /** Background update rate per frame, 0..1 (0.1 at 5 fps: a time constant of about 2 s). */
  alpha?: number;
}

/** What one frame showed. */
export interface MotionResult {
  /** Fraction of the picture's pixels that changed, 0..1 (a scene-change score). */
  changed: number;
  /** `changed` reached `minArea`. */
  motion: boolean;
}

/** The grey picture cameras ask ffmpeg for (16:9; other aspects are stretched to it, which motion does not mind). */
export const MOTION_PICTURE = { width: 160, height: 90 } as const;

/** Changed fractions above this mean the whole scene changed (lighting), not something moving in it. */
const SCENE_CHANGE = 0.8;

export class MotionDetector {
  private background: Float32Array | undefined;
  private readonly alpha: number;

  /**
   * @param width picture width in pixels, @param height picture height; every frame must be width×height bytes.
   * @throws Error for a non-positive size or settings out of range.
   */
  constructor(readonly width: number, readonly height: number, private readonly settings: MotionDetectorSettings) {
    if (!(width > 0 && height > 0)) throw new Error(`motion picture size must be positive, got ${width}x${height}`);
    if (!(settings.threshold >= 0 && settings.threshold <= 255)) throw new Error(`motion threshold must be 0..255, got ${settings.threshold}`);
    if (!(settings.minArea >= 0 && settings.minArea <= 1)) throw new Error(`motion min area must be 0..1, got ${settings.minArea}`);
    this.alpha = settings.alpha ?? 0.1;
  }

  /**
   * Compare a grey frame with the background and fold it in. The first frame only sets the background (no motion).
   * @throws Error when the frame is not width×height bytes.
   */
  update(grey: Uint8Array): MotionResult {
    const n = this.width * this.height;
    if (grey.length !== n) throw new Error(`motion frame has ${grey.length} bytes, expected ${this.width}x${this.height} = ${n}`);
    if (!this.background) {
      this.background = Float32Array.from(grey);
      return { changed: 0, motion: false };
    }
    const bg = this.background;
    const { threshold } = this.settings;
    const alpha = this.alpha;
    let changedPixels = 0;
    for (let i = 0; i < n; i++) {
      const v = grey[i]!;
      const b = bg[i]!;
      const d = v - b;
      if (d > threshold || d < -threshold) changedPixels++;
      bg[i] = b + alpha * d;
    }
    const changed = changedPixels / n;
    if (changed >= SCENE_CHANGE) this.background.set(grey);
    return { changed, motion: changed >= this.settings.minArea && changedPixels > 0 };
  }
}
