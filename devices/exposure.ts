/**
 * HA's "exposed entities" for hearth: which entities voice and typed commands
 * may reach. As in Home Assistant, entities created disabled
 * (`enabled_by_default: false`) and settings or health entities
 * (`entity_category: config|diagnostic`) are not exposed unless the config
 * says so; the config can also hide any entity. Patterns are entity ids or
 * globs over them: `*` any run of characters, `?` one character.
 */

/** A matcher for entity ids against id-or-glob patterns (case-sensitive, as entity ids are lower-case). */
export function idMatcher(patterns: readonly string[]): (entityId: string) => boolean {
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern)) exact.add(pattern);
    else globs.push(new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`));
  }
  return (entityId) => exact.has(entityId) || globs.some((g) => g.test(entityId));
}

export interface ExposureRules {
  expose: readonly string[];
  hide: readonly string[];
}

export interface Exposure {
  exposed: boolean;
  /** Created disabled: HA keeps no state for it, so hearth subscribes nothing for it. */
  disabled: boolean;
}

/** Compiled exposure rules: `of(id, enabledByDefault, category)` says whether an entity is exposed. */
export class ExposurePolicy {
  private readonly exposes: (id: string) => boolean;
  private readonly hides: (id: string) => boolean;

  constructor(rules: ExposureRules = { expose: [], hide: [] }) {
    this.exposes = idMatcher(rules.expose);
    this.hides = idMatcher(rules.hide);
  }

  of(entityId: string, enabledByDefault: boolean, category: string | undefined): Exposure {
    const listed = this.exposes(entityId);
    const disabled = !enabledByDefault && !listed;
    if (this.hides(entityId)) return { exposed: false, disabled };
    return { exposed: listed || (enabledByDefault && category === undefined), disabled };
  }
}
