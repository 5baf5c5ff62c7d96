/**
 * grafana.ini as typed data, and the small serializer that writes it. Grafana reads its
 * configuration with go-ini: `[section]` headers, `key = value` lines, `;` or `#` comments.
 */

/** A value in grafana.ini. Booleans and numbers are written as `true`/`false` and decimal numbers. */
export type IniValue = string | number | boolean;

/** One section of grafana.ini: key to value. */
export type IniSection = Readonly<Record<string, IniValue>>;

/**
 * grafana.ini: section name to section, in Grafana's own names (`server`, `auth.anonymous`, ...).
 * Keys that belong to no section (the default section) are not used by this project.
 */
export type GrafanaIni = Readonly<Record<string, IniSection>>;

/** Section names go-ini reads back as written (`server`, `auth.generic_oauth`, `plugin.grafana-x`). */
export const INI_SECTION_NAME = /^[A-Za-z0-9_.:-]+$/;
/** Key names go-ini reads back as written. */
export const INI_KEY_NAME = /^[A-Za-z0-9_.-]+$/;
const SECTION_NAME = INI_SECTION_NAME;
const KEY_NAME = INI_KEY_NAME;

/**
 * Writes grafana.ini: one `[section]` per entry, in the object's order, keys in their order, a
 * blank line between sections; empty sections are left out. Throws on a section or key name that
 * go-ini would misread, and on a value that cannot sit on one line. Strings that start or end with
 * a space, or contain `;` or `#` (go-ini would cut an inline comment there), are quoted with
 * backticks, go-ini's raw quoting.
 */
export function serializeIni(ini: GrafanaIni): string {
  const blocks: string[] = [];
  for (const [section, entries] of Object.entries(ini)) {
    if (!SECTION_NAME.test(section)) throw new Error(`grafana.ini: section name '${section}' is not valid`);
    const lines = Object.entries(entries).map(([key, value]) => {
      if (!KEY_NAME.test(key)) throw new Error(`grafana.ini: key '${key}' in [${section}] is not valid`);
      return `${key} = ${formatValue(section, key, value)}`;
    });
    if (lines.length > 0) blocks.push([`[${section}]`, ...lines].join('\n'));
  }
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
}

function formatValue(section: string, key: string, value: IniValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`grafana.ini: [${section}] ${key} must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new Error(`grafana.ini: [${section}] ${key} must be a string, number or boolean, got ${JSON.stringify(value)}`);
  }
  if (/[\r\n]/.test(value)) throw new Error(`grafana.ini: [${section}] ${key} must fit on one line, got ${JSON.stringify(value)}`);
  if (value !== value.trim() || /[;#`"]/.test(value)) {
    if (value.includes('`')) throw new Error(`grafana.ini: [${section}] ${key} cannot contain a backtick, got ${JSON.stringify(value)}`);
    return `\`${value}\``;
  }
  return value;
}

/**
 * Merges `overrides` into `base`, section by section: a key in `overrides` replaces the same key
 * in `base`, new sections and keys are appended. Neither input is changed.
 */
export function mergeIni(base: GrafanaIni, overrides: GrafanaIni): GrafanaIni {
  const merged: Record<string, IniSection> = { ...base };
  for (const [section, entries] of Object.entries(overrides)) merged[section] = { ...(merged[section] ?? {}), ...entries };
  return merged;
}
