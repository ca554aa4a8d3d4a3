/**
 * Colour names of the `color` slot → what a light is asked to show: an RGB
 * colour (CSS Color Module Level 4 named colours, 0..255), or for the whites a
 * colour temperature in kelvin, as Home Assistant's light intents do.
 */

const RGB: Record<string, [number, number, number]> = {
  white: [255, 255, 255], black: [0, 0, 0], red: [255, 0, 0], orange: [255, 165, 0], yellow: [255, 255, 0], green: [0, 128, 0],
  blue: [0, 0, 255], purple: [128, 0, 128], pink: [255, 192, 203], brown: [165, 42, 42], cyan: [0, 255, 255], magenta: [255, 0, 255],
  violet: [238, 130, 238], indigo: [75, 0, 130], turquoise: [64, 224, 208], gold: [255, 215, 0], lime: [0, 255, 0], teal: [0, 128, 128],
  gray: [128, 128, 128],
};

/** Correlated colour temperatures of the named whites, in kelvin. */
const KELVIN: Record<string, number> = { "warm white": 2700, "cool white": 4000, daylight: 6500 };

/** The light setting for a colour name, or undefined when the name is unknown. */
export function colorSetting(name: string): { rgb: [number, number, number] } | { color_temp_kelvin: number } | undefined {
  const key = name.toLowerCase().trim();
  if (key in KELVIN) return { color_temp_kelvin: KELVIN[key]! };
  const rgb = RGB[key === "grey" ? "gray" : key];
  return rgb ? { rgb: [...rgb] } : undefined;
}
