/**
 * What the cameras can see: the areas and zones each camera covers and the
 * labels it looks for, from the `cameras` config. A place in a question is an
 * area (HA's, as the config names it) or a zone (a named part of a camera's
 * picture, which lies in an area); names compare case-insensitively.
 */
import type { CameraConfig } from "../config/cameras.ts";
import { cameraZones } from "./zones.ts";

/** One camera's reach. */
export interface CameraReach {
  camera: string;
  /** Areas its picture shows (its own and its zones'). */
  areas: string[];
  /** Zones with their areas (a camera without zones has one, named after its area). */
  zones: { name: string; area: string }[];
  /** Labels its detector keeps. */
  labels: string[];
}

/** A place named in a question, as the cameras know it. */
export interface Place {
  kind: "area" | "zone";
  /** The name as the config spells it. */
  name: string;
  /** Cameras whose picture shows it. */
  cameras: CameraReach[];
}

export class Coverage {
  constructor(readonly cameras: readonly CameraReach[]) {}

  /** From the config's camera entries (the labels each detector keeps: `cameraLabels`). */
  static fromConfig(cameras: readonly CameraConfig[], cameraLabels: (camera: CameraConfig) => readonly string[] = (c) => c.detector.labels): Coverage {
    return new Coverage(
      cameras.map((c) => {
        const zones = cameraZones(c.area, c.zones).map((z) => ({ name: z.name, area: z.area }));
        return { camera: c.name, areas: [...new Set([c.area, ...zones.map((z) => z.area)])], zones, labels: [...cameraLabels(c)] };
      }),
    );
  }

  /** Every label some camera looks for. */
  labels(): string[] {
    return [...new Set(this.cameras.flatMap((c) => c.labels))];
  }

  /** Every area some camera covers. */
  areas(): string[] {
    const seen = new Map<string, string>();
    for (const c of this.cameras) for (const a of c.areas) if (!seen.has(a.toLowerCase())) seen.set(a.toLowerCase(), a);
    return [...seen.values()];
  }

  /**
   * The place `name` (an area first, then a zone); undefined when no camera
   * covers it. `kind` says which slot named it, when the recogniser knows.
   */
  place(name: string, kind?: "area" | "zone"): Place | undefined {
    const key = name.toLowerCase();
    if (kind !== "zone") {
      const cameras = this.cameras.filter((c) => c.areas.some((a) => a.toLowerCase() === key));
      if (cameras.length) return { kind: "area", name: cameras[0]!.areas.find((a) => a.toLowerCase() === key)!, cameras };
    }
    // A name the recogniser took for an area may still be a camera's zone of that name.
    const cameras = this.cameras.filter((c) => c.zones.some((z) => z.name.toLowerCase() === key));
    if (cameras.length) return { kind: "zone", name: cameras[0]!.zones.find((z) => z.name.toLowerCase() === key)!.name, cameras };
    return undefined;
  }
}
