/**
 * The columns of `row` named with `prefix`, without it: one table's columns read beside another's
 * in the same row (`SELECT d.*, e.id AS e_id, ...`).
 */
export function unprefixed(row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
