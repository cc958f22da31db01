import type { PayloadFormat } from '../src/domain/models';
import { parseJsonPointer } from '../src/util/json-pointer';

/** What a webhook's `config` and identity add to the bodies it is sent. */
export interface PayloadShape {
  /** Named in every enveloped payload as `"webhook": {"id", "name"}`. */
  webhook: { id: string; name: string };
  /** false: a thin notification, `{id, type, timestamp, webhook, data}` with only the resource's identifiers in `data`. */
  includeResource: boolean;
  /** JSON pointers into `data`: only these values are sent. null sends all of `data`. */
  fields: string[] | null;
  /**
   * The body of a `test` event: the envelope, like any event, or AssetsUp's
   * `{"event": "webhook.test", "timestamp": <ISO 8601>}`. @default 'envelope'
   */
  testBody?: 'envelope' | 'event-timestamp';
}

/**
 * The body a receiver gets. Normally the shape Standard Webhooks recommends,
 * `{type, timestamp, webhook, data}`, shaped by the webhook's config; for
 * `bare` events (SyncAccount and SyncError, whose body is a fixed
 * contract) the data itself, keys in the order they were given, untouched.
 * Built once per delivery, at its first attempt, and stored: every retry
 * sends the same bytes.
 */
export function buildPayload(
  event: { id: string; type: string; createdAt: Date; data: Record<string, unknown>; format?: PayloadFormat },
  shape: PayloadShape,
): string {
  if (event.format === 'bare') return JSON.stringify(event.data);
  const timestamp = event.createdAt.toISOString();
  if (event.format === 'test' && shape.testBody === 'event-timestamp') return JSON.stringify({ event: event.type, timestamp });
  const webhook = { id: shape.webhook.id, name: shape.webhook.name };
  const data = shapeData(event.data, shape);
  return shape.includeResource
    ? JSON.stringify({ type: event.type, timestamp, webhook, data })
    : JSON.stringify({ id: event.id, type: event.type, timestamp, webhook, data });
}

/**
 * The identifiers a thin notification keeps: top-level keys that are `id` or
 * end in `_id` or `Id` (`account_id`, `userId`), whatever their values.
 */
export function isIdentifierKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id') || key.endsWith('Id');
}

/** A tree of what to keep: `true` keeps the whole value below. */
type Selection = true | Map<string, Selection>;

/**
 * `data` as the webhook wants it. With `fields`, only the values they point at,
 * nested objects rebuilt along the way (`/customer/id` gives
 * `{"customer": {"id": ...}}`); a pointer that finds nothing is left out.
 * Arrays keep the selected elements in their order. A thin notification keeps
 * the identifiers, plus what `fields` selects.
 */
export function shapeData(data: Record<string, unknown>, shape: Pick<PayloadShape, 'includeResource' | 'fields'>): Record<string, unknown> {
  if (shape.includeResource && !shape.fields) return data;
  const root = new Map<string, Selection>();
  if (!shape.includeResource) for (const key of Object.keys(data)) if (isIdentifierKey(key)) root.set(key, true);
  for (const pointer of shape.fields ?? []) select(root, parseJsonPointer(pointer));
  return (project(data, root) as Record<string, unknown> | undefined) ?? {};
}

function select(root: Map<string, Selection>, tokens: string[]): void {
  let node = root;
  for (const [i, token] of tokens.entries()) {
    const existing = node.get(token);
    if (existing === true) return;
    if (i === tokens.length - 1) {
      node.set(token, true);
      return;
    }
    const child = existing ?? new Map<string, Selection>();
    node.set(token, child);
    node = child;
  }
}

/** The selected part of `value`, or undefined when nothing selected is there. */
function project(value: unknown, selection: Map<string, Selection>): unknown {
  const pick = (v: unknown, s: Selection) => (s === true ? v : project(v, s));
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, index) => {
      const s = selection.get(String(index));
      const picked = s && pick(item, s);
      if (picked !== undefined) out.push(picked);
    });
    return out.length > 0 ? out : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const [key, item] of Object.entries(value)) {
      const s = selection.get(key);
      const picked = s && pick(item, s);
      if (picked !== undefined) {
        // Defined, not assigned: a key named "__proto__" stays an ordinary key.
        Object.defineProperty(out, key, { value: picked, enumerable: true, writable: true, configurable: true });
        any = true;
      }
    }
    return any ? out : undefined;
  }
  return undefined;
}
