/**
 * JSON Pointers (RFC 6901) as a webhook's `config.fields` uses them: each
 * names one value inside an event's `data`, e.g. `/customer/id` or `/items/0`.
 * `~1` stands for `/` and `~0` for `~` inside a key. The empty pointer (the
 * whole document) is not accepted: leave `fields` out to send everything.
 */
export const JSON_POINTER_PATTERN = /^(\/([^~/]|~[01])*)+$/;

export const MAX_POINTER_LENGTH = 1024;

export function isJsonPointer(value: string): boolean {
  return value.length <= MAX_POINTER_LENGTH && JSON_POINTER_PATTERN.test(value);
}

/** `/a~1b/c~0d` → `['a/b', 'c~d']`. The pointer must be valid. */
export function parseJsonPointer(pointer: string): string[] {
  if (!isJsonPointer(pointer)) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}
