import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * JSON Schema (draft 2020-12) checks for event data. Schemas are compiled
 * once per version and kept; `check` says whether a schema is usable at all.
 */
export class EventSchemaValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  /** Why this is not a usable JSON Schema, or undefined when it is. */
  check(schema: unknown): string | undefined {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'must be a JSON Schema object';
    if (!this.ajv.validateSchema(schema as object)) return this.ajv.errorsText(this.ajv.errors, { dataVar: 'schema' });
    try {
      this.ajv.compile(schema as object);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Each problem of `data` against `schema`, by JSON pointer; empty when it conforms. */
  validate(cacheKey: string, schema: object, data: unknown): Array<{ path: string; message: string }> {
    let fn = this.compiled.get(cacheKey);
    if (!fn) {
      if (this.compiled.size > 1000) this.compiled.clear();
      fn = this.ajv.compile(schema);
      this.compiled.set(cacheKey, fn);
    }
    if (fn(data)) return [];
    return (fn.errors ?? []).map((e: ErrorObject) => ({
      path: `body.data${e.instancePath}${e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : ''}`,
      message: e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid'),
    }));
  }
}
