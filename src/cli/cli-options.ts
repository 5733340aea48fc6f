/** Option parsers shared by the key commands. Values are checked by the same schemas as the admin API. */

/** A repeatable option: `--scope a --scope b`, or `--scope "a b"`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(/[\s,]+/).filter(Boolean)];
}

/** Digits become a number; anything else stays a string, for the schema to refuse with a clear message. */
export function wholeNumber(value: string): number | string {
  return /^\d{1,9}$/.test(value) ? Number(value) : value;
}
