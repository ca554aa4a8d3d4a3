/**
 * The `cameras` config section: one entry per camera, each with its input
 * (V4L2 device, RTSP/HTTP URL or video file), the HA area it watches, zones
 * (polygons in normalised 0..1 image coordinates, each mapped to an HA area),
 * detector labels and thresholds, tracker and occupancy hysteresis.
 */
import { z } from "zod";
import { COCO_LABELS } from "../../models/detector/coco-labels.ts";

/** A point in normalised image coordinates: x and y in 0..1, origin top-left. */
const pointSchema = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

export const zoneSchema = z.strictObject({
  /** Zone name, unique per camera (e.g. "sofa"). */
  name: z.string().min(1),
  /** The HA area that this part of the image shows. */
  area: z.string().min(1),
  /** At least three vertices, normalised 0..1, in order around the polygon. */
  polygon: z.array(pointSchema).min(3, "a polygon needs at least 3 points"),
});

export const detectorSettingsSchema = z.strictObject({
  /** COCO labels to keep (e.g. person, cat, dog); the others are dropped. */
  labels: z.array(z.string().min(1)).min(1).default(["person"]),
  /** Minimum score (objectness × class probability), 0..1. */
  score_threshold: z.number().min(0).max(1).default(0.2),
  /** Per-label overrides of `score_threshold`. */
  thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
  /** IoU above which two boxes of the same class are one object (NMS). */
  nms_iou: z.number().min(0).max(1).default(0.45),
});

export const trackerSettingsSchema = z.strictObject({
  /** IoU needed to continue a track with a new box. */
  match_iou: z.number().min(0).max(1).default(0.2),
  /** Detections at or above this score may start tracks; lower ones only continue them (ByteTrack). */
  high_score: z.number().min(0).max(1).default(0.4),
  /** Frames a track must be seen before it counts. */
  min_hits: z.number().int().min(1).default(2),
  /** How long a lost track is kept before it is dropped, in ms. */
  max_lost_ms: z.number().int().min(0).default(1_000),
});

export const occupancySettingsSchema = z.strictObject({
  /** Consecutive frames with a higher count before the count (and "occupied") rises. */
  enter_frames: z.number().int().min(1).default(2),
  /** Seconds a lower count must last before the count (and "occupied") falls. */
  leave_s: z.number().min(0).default(1),
});

/**
 * Motion gating: while nothing is tracked, the detector runs only on frames
 * with motion (frame differencing on a small grey picture, agent/vision/motion.ts),
 * at most `idle_fps`; while an object is tracked it runs on every frame.
 */
export const motionSettingsSchema = z.strictObject({
  /** Gate the detector on motion (false: detect on every frame). */
  enabled: z.boolean().default(true),
  /** Grey levels (0..255) a pixel must change by to count as moving. */
  threshold: z.number().min(1).max(255).default(25),
  /** Fraction of the picture (0..1) that must change for a frame to have motion. */
  min_area: z.number().min(0).max(1).default(0.002),
  /** Detector frames per second while nothing is tracked and something moves (capped by the camera's fps). */
  idle_fps: z.number().positive().default(2),
  /** While nothing is tracked the detector still runs this often without motion, in seconds (0: never). */
  keepalive_s: z.number().min(0).default(10),
});

/** Optional face detection (ULFD) for "someone is close and facing the camera"; off by default. */
export const facesSettingsSchema = z.strictObject({
  /** Run the face detector on frames in which at least one person was detected. */
  enabled: z.boolean().default(false),
  /** Face height as a fraction of the frame height (0..1) from which a person counts as close. */
  min_face_height: z.number().gt(0).max(1).default(0.08),
  /** Minimum face probability, 0..1 (0.7 is the ULFD reference demo's). */
  score_threshold: z.number().min(0).max(1).default(0.7),
});


/**
 * Per-label filters, after Frigate's `objects.filters`: a detection of the
 * label is kept only with a score of at least `min_score` and a box area
 * between `min_area` and `max_area`, in source-frame pixels or, below 1, as a
 * fraction of the frame's area (0.01 = 1 % of the picture).
 */
export const labelFilterSchema = z
  .strictObject({
    min_score: z.number().min(0).max(1).optional(),
    min_area: z.number().positive().optional(),
    max_area: z.number().positive().optional(),
  })
  .refine((f) => f.min_area === undefined || f.max_area === undefined || (f.min_area < 1) !== (f.max_area < 1) || f.min_area <= f.max_area, {
    message: "min_area is larger than max_area",
  });

export type LabelFilter = z.infer<typeof labelFilterSchema>;

export const cameraSchema = z
  .strictObject({
    /** Camera name, used in logs, events and topics. */
    name: z.string().regex(/^[a-z0-9_-]+$/i, "letters, digits, _ and - only"),
    /** RTSP/HTTP(S) stream address. Exactly one of url, device, file. */
    url: z.string().regex(/^(rtsp|rtsps|http|https|rtmp|udp|tcp):\/\//, "rtsp://, http(s)://, rtmp://, udp:// or tcp:// address").optional(),
    /** V4L2 device, e.g. /dev/video0. */
    device: z.string().optional(),
    /** Video file (mp4, mkv, ...). */
    file: z.string().optional(),
    /** Play a file again from the start when it ends. */
    loop: z.boolean().default(false),
    /** The HA area of the whole picture (used when no zones are set). */
    area: z.string().min(1),
    /** Frames per second handed to the detector. */
    fps: z.number().positive().max(60).default(5),
    /** Seconds without a frame before the stream counts as stalled and ffmpeg is restarted. */
    stall_timeout_s: z.number().positive().default(10),
    /** First restart delay in ms; doubled each failure up to `restart_max_ms`. */
    restart_min_ms: z.number().int().min(10).default(1_000),
    restart_max_ms: z.number().int().min(10).default(60_000),
    zones: z.array(zoneSchema).default([]),
    /**
     * The labels this camera's detector keeps, as a list (`[person, cat]`) or
     * with filters per label (`{ person: { min_score: 0.6, min_area: 2000 }, cat: {} }`).
     * When set it replaces `detector.labels`, and each `min_score` overrides `detector.thresholds`.
     */
    labels: z
      .preprocess((v) => (Array.isArray(v) ? Object.fromEntries(v.map((l) => [String(l), null])) : v), z.record(z.string(), labelFilterSchema.nullable()).superRefine((labels, ctx) => {
        // Checked here rather than on the key schema, whose own message zod replaces by "Invalid key in record".
        for (const label of Object.keys(labels)) {
          if (!COCO_LABELS.includes(label)) ctx.addIssue({ code: "custom", path: [label], message: `"${label}" is not a COCO label (${COCO_LABELS.slice(0, 8).join(", ")}, …)` });
        }
      }))
      .optional(),
    detector: detectorSettingsSchema.default(detectorSettingsSchema.parse({})),
    tracker: trackerSettingsSchema.default(trackerSettingsSchema.parse({})),
    occupancy: occupancySettingsSchema.default(occupancySettingsSchema.parse({})),
    faces: facesSettingsSchema.default(facesSettingsSchema.parse({})),
    motion: motionSettingsSchema.default(motionSettingsSchema.parse({})),
  })
  .refine((c) => [c.url, c.device, c.file].filter((v) => v !== undefined).length === 1, {
    message: "set exactly one of url, device, file",
  })
  .refine((c) => !c.labels || Object.keys(c.labels).length > 0, { message: "list at least one label", path: ["labels"] })
  .transform((c) => {
    // `labels` folds into the detector settings, so the rest of the code reads one place; the size filters stay per label.
    const entries: [string, LabelFilter][] = Object.entries(c.labels ?? {}).map(([l, f]) => [l, f ?? {}]);
    if (!entries.length) return { ...c, label_filters: {} as Record<string, LabelFilter> };
    const thresholds = { ...c.detector.thresholds };
    for (const [label, f] of entries) if (f.min_score !== undefined) thresholds[label] = f.min_score;
    return { ...c, detector: { ...c.detector, labels: entries.map(([l]) => l), thresholds }, label_filters: Object.fromEntries(entries) as Record<string, LabelFilter> };
  });

export const camerasSchema = z.array(cameraSchema).default([]);

export type CameraConfig = z.infer<typeof cameraSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type DetectorSettings = z.infer<typeof detectorSettingsSchema>;
export type TrackerSettings = z.infer<typeof trackerSettingsSchema>;
export type OccupancySettings = z.infer<typeof occupancySettingsSchema>;
export type FacesSettings = z.infer<typeof facesSettingsSchema>;
export type MotionSettings = z.infer<typeof motionSettingsSchema>;
