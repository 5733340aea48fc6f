/**
 * Deterministic key order for the committed document, so regenerating it
 * changes the file only when the API changes. The order inside `properties`
 * is kept: it is the order fields are shown in, and it is stable anyway.
 */
export function sortKeys<T>(value: T, keepOrder = false): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!keepOrder) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v, k === 'properties')])) as T;
}
