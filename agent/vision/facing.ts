/**
 * "Someone is close and facing the camera": a face (ULFD) whose centre lies
 * inside a person box (YOLOX), large enough relative to the frame. Pairing the
 * two detectors removes the face detector's false positives on animals and
 * pictures of faces without a body (a cat's face, a book cover).
 */
import type { Detection } from "../../models/detector/box.ts";
import type { Face } from "../../models/face/ulfd.ts";

export interface FacingPerson {
  face: Face;
  person: Detection;
}

/**
 * Faces that belong to a detected person, each paired with its person.
 * @param minFaceHeight minimum face height as a fraction of the frame height (0..1): "close".
 */
export function facingPeople(faces: readonly Face[], detections: readonly Detection[], frameHeight: number, minFaceHeight = 0): FacingPerson[] {
  const people = detections.filter((d) => d.label === "person");
  const result: FacingPerson[] = [];
  for (const face of faces) {
    if ((face.box.y2 - face.box.y1) / frameHeight < minFaceHeight) continue;
    const cx = (face.box.x1 + face.box.x2) / 2;
    const cy = (face.box.y1 + face.box.y2) / 2;
    const person = people.find((p) => cx >= p.box.x1 && cx <= p.box.x2 && cy >= p.box.y1 && cy <= p.box.y2);
    if (person) result.push({ face, person });
  }
  return result;
}
