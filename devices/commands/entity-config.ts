/**
 * Typed, forgiving access to an entity's discovery config (full HA key names),
 * with Home Assistant's own defaults and coercions (`cv.string`, `cv.boolean`,
 * `vol.Coerce(float)`), plus the two things every encoder needs: a message
 * carrying the entity's `qos`/`retain`, and `*_command_template` rendering
 * with the variables HA's `MqttCommandTemplate` provides.
 */
import type { Entity, OutgoingMessage } from "../entity.ts";
import { compileTemplate, type CompiledTemplate } from "../template.ts";
import { type ActionType, UnsupportedActionError } from "./action.ts";
import { pyString } from "./ha-math.ts";

/**
 * Compiled templates by source: discovery configs repeat the same few
 * templates. Bounded, oldest first out, so a stream of odd configs cannot
 * grow it without end.
 */
const templateCache = new Map<string, CompiledTemplate>();
const TEMPLATE_CACHE_SIZE = 512;

function compiled(source: string): CompiledTemplate {
  let template = templateCache.get(source);
  if (!template) {
    template = compileTemplate(source);
    templateCache.set(source, template);
    if (templateCache.size > TEMPLATE_CACHE_SIZE) templateCache.delete(templateCache.keys().next().value!);
  }
  return template;
}

/** The config of one entity while one action is encoded; errors name the entity and action. */
export class EntityConfig {
  readonly raw: Record<string, unknown>;

  constructor(readonly entity: Entity, readonly action: ActionType) {
    this.raw = entity.config ?? {};
  }

  /** An UnsupportedActionError for this entity and action. */
  unsupported(reason: string): UnsupportedActionError {
    return new UnsupportedActionError(this.entity.id, this.action, reason);
  }

  /** True when the key is present, even with a null value. */
  has(key: string): boolean {
    return Object.hasOwn(this.raw, key);
  }

  /** A topic or other string option; numbers and booleans are coerced the way `cv.string` does. */
  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "object") throw this.unsupported(`config field ${key} must be a string, got ${JSON.stringify(value)}`);
    return pyString(value);
  }

  /**
   * A payload option with HA's default; an explicit `null` disables the
   * feature (cover `payload_stop: null`), returned as null.
   */
  payload(key: string, fallback: string | null): string | null {
    if (this.has(key) && this.raw[key] === null) return null;
    return this.string(key) ?? fallback;
  }

  /** A numeric option (`vol.Coerce(float)`: numeric strings accepted); throws naming the field otherwise. */
  number(key: string, fallback: number): number;
  number(key: string): number | undefined;
  number(key: string, fallback?: number): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw this.unsupported(`config field ${key} must be a number, got ${JSON.stringify(value)}`);
    return n;
  }

  /** `cv.boolean`: true/false, 1/0, "true"/"on"/"yes"/"enable" and their opposites. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0;
    const s = String(value).toLowerCase();
    if (["1", "true", "yes", "on", "enable"].includes(s)) return true;
    if (["0", "false", "no", "off", "disable"].includes(s)) return false;
    throw this.unsupported(`config field ${key} must be a boolean, got ${JSON.stringify(value)}`);
  }

  /** A list of strings (`options`, `modes`, `preset_modes`, `supported_color_modes`). */
  list(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.unsupported(`config field ${key} must be a list, got ${JSON.stringify(value)}`);
    return value.map((v) => pyString(v));
  }

  /** A topic the action needs; throws naming the missing field. */
  requireTopic(key: string, what: string): string {
    const topic = this.string(key);
    if (!topic) throw this.unsupported(`no ${key} in its discovery config, so it cannot ${what}`);
    return topic;
  }

  /** A message on `topic` with the entity's `qos` (default 0) and `retain` (default false). */
  message(topic: string, payload: string): OutgoingMessage {
    const qos = this.number("qos", 0);
    if (qos !== 0 && qos !== 1 && qos !== 2) throw this.unsupported(`config field qos must be 0, 1 or 2, got ${qos}`);
    return { topic, payload, qos, retain: this.boolean("retain", false) };
  }

  /**
   * HA `MqttCommandTemplate.async_render(value, variables)`: without a
   * template the value itself (as Python's `str`); with one, the template
   * rendered with `value`, `entity_id`, `name` and the extra variables.
   */
  render(templateKey: string, value: unknown, variables: Record<string, unknown> = {}): string {
    const source = this.string(templateKey);
    if (source === undefined) return pyString(value);
    let template: CompiledTemplate;
    try {
      template = compiled(source);
    } catch (err) {
      throw this.unsupported(`${templateKey}: ${(err as Error).message}`);
    }
    try {
      return template({ value, entity_id: this.entity.id, name: this.entity.name, ...variables });
    } catch (err) {
      throw this.unsupported(`${templateKey} failed to render: ${(err as Error).message}`);
    }
  }
}

/**
 * Why a command template cannot be used, or undefined when it can: it must
 * compile (which also refuses filters and tests the engine lacks), and a
 * trial render must not call a function that does not exist here (HA's
 * `states()` and the like; those only fail at render time). Other render
 * errors depend on the values and are reported when a command is encoded.
 */
export function templateProblem(source: string): string | undefined {
  let template: CompiledTemplate;
  try {
    template = compiled(source);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    template({ value: "0" });
  } catch (err) {
    const missing = /'[\w.]+' is undefined and cannot be called/.exec((err as Error).message);
    if (missing) return `cannot use template ${JSON.stringify(source)}: ${missing[0]}`;
  }
  return undefined;
}
