import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { compileLinear } from '../util/linear-regexp';
import { linearFormats } from './schema-formats';

/** What a tenant's event-type schema may be, so that no schema can stall the API. */
export const SCHEMA_LIMITS = {
  /** Serialized size of a schema. */
  maxBytes: 65_536,
  /** `pattern`s and `patternProperties` keys in one schema. */
  maxPatterns: 64,
  /** Characters in one pattern. */
  maxPatternLength: 1_000,
  /** Instructions in one compiled pattern: the most work one input character can cost. */
  maxPatternProgram: 5_000,
  /** Instructions in all the patterns of a schema together: bounds the time compiling them takes. */
  maxTotalPatternProgram: 20_000,
  /** `uniqueItems` on arrays of objects compares every pair: it needs `maxItems` up to this. */
  maxUniqueItems: 100,
  /** Time one event's data may take to check against the patterns of its schema. */
  validationBudgetMs: 100,
} as const;

/** Thrown out of a running validation when it has used its time. */
class BudgetExceeded extends Error {}

/** What a compiled schema needs to know about the validation it is part of. */
interface Budget {
  deadline: number;
}

/**
 * JSON Schema (draft 2020-12) checks for event data. Each schema is compiled
 * alone in its own Ajv instance, so an `$id` or `$ref` in one tenant's schema
 * can neither see nor collide with another's. Patterns and formats run on a
 * linear-time regular-expression engine, schemas are bounded by
 * SCHEMA_LIMITS, and the patterns of one validation stop at its time budget.
 */
export class EventSchemaValidator {
  /** Checks schemas against the 2020-12 meta-schema only; nothing is ever added to it. */
  private readonly meta = new Ajv2020({ allErrors: true, strict: false, addUsedSchema: false });
  private readonly compiled = new Map<string, { version: string; fn: ValidateFunction; budget: Budget }>();

  constructor(private readonly maxCompiled = 1000) {
    addFormats(this.meta);
  }

  /** Why this is not a usable JSON Schema, or undefined when it is. */
  check(schema: unknown): string | undefined {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'must be a JSON Schema object';
    const bytes = Buffer.byteLength(JSON.stringify(schema));
    if (bytes > SCHEMA_LIMITS.maxBytes) return `is ${bytes} bytes; a schema may be at most ${SCHEMA_LIMITS.maxBytes}`;
    if (!this.meta.validateSchema(schema as object)) return this.meta.errorsText(this.meta.errors, { dataVar: 'schema' });
    const problem = boundsProblem(schema);
    if (problem) return problem;
    try {
      compileAlone(schema as object);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * Each problem of `data` against `schema`, by JSON pointer; empty when it
   * conforms. `slot` names the type (one compiled form is kept per slot) and
   * `version` which schema of it this is: a new version replaces the old.
   */
  validate(slot: string, version: string, schema: object, data: unknown): Array<{ path: string; message: string }> {
    let entry = this.compiled.get(slot);
    if (entry && entry.version !== version) entry = undefined;
    if (entry) this.compiled.delete(slot);
    else {
      try {
        entry = { version, ...compileForUse(schema) };
      } catch (err) {
        // A schema stored before today's limits, which this engine can no longer compile.
        return [{ path: 'body.type', message: `the event type's schema cannot be used: ${(err as Error).message}` }];
      }
    }
    this.compiled.set(slot, entry);
    while (this.compiled.size > this.maxCompiled) this.compiled.delete(this.compiled.keys().next().value!);

    entry.budget.deadline = performance.now() + SCHEMA_LIMITS.validationBudgetMs;
    try {
      if (entry.fn(data)) return [];
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      return [
        {
          path: 'body.data',
          message: `checking it against the event type's schema took longer than ${SCHEMA_LIMITS.validationBudgetMs} ms`,
        },
      ];
    }
    return (entry.fn.errors ?? []).map((e: ErrorObject) => ({
      path: `body.data${e.instancePath}${e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : ''}`,
      message: e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid'),
    }));
  }

  /** Frees the compiled form of a type that was deleted. */
  forget(slot: string): void {
    this.compiled.delete(slot);
  }

  /** How many compiled schemas are kept (for tests). */
  get size(): number {
    return this.compiled.size;
  }
}

function compileForUse(schema: object): { fn: ValidateFunction; budget: Budget } {
  const budget: Budget = { deadline: Number.POSITIVE_INFINITY };
  return { fn: compileAlone(schema, budget), budget };
}

/** A fresh Ajv per schema: its `$id`s and `$ref`s resolve within itself and die with it. */
function compileAlone(schema: object, budget: Budget = { deadline: Number.POSITIVE_INFINITY }): ValidateFunction {
  const regExp = Object.assign(
    (pattern: string, flags: string) => {
      const linear = compileLinear(pattern, flags);
      return {
        test(input: string) {
          if (performance.now() > budget.deadline) throw new BudgetExceeded();
          return linear.test(input);
        },
        toString: () => linear.toString(),
      };
    },
    { code: 'linearRegExp' },
  );
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    validateSchema: false,
    formats: linearFormats(),
    code: { regExp },
  });
  return ajv.compile(schema);
}

/** Keywords whose values are data, not schemas: nothing under them is a pattern. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** Why a schema breaks SCHEMA_LIMITS, or undefined. */
function boundsProblem(schema: unknown): string | undefined {
  const patterns: Array<{ where: string; source: string }> = [];
  let problem: string | undefined;
  const walk = (node: unknown, where: string): void => {
    if (problem || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}/${i}`));
      return;
    }
    const obj = node as Record<string, unknown>;
    if (typeof obj.pattern === 'string') patterns.push({ where: `${where}/pattern`, source: obj.pattern });
    if (obj.patternProperties && typeof obj.patternProperties === 'object' && !Array.isArray(obj.patternProperties)) {
      for (const key of Object.keys(obj.patternProperties)) patterns.push({ where: `${where}/patternProperties`, source: key });
    }
    if (obj.uniqueItems === true && !uniqueItemsIsCheap(obj)) {
      problem =
        `${where || '/'}: uniqueItems compares every pair of items: give the items a scalar type, ` +
        `or set maxItems to at most ${SCHEMA_LIMITS.maxUniqueItems}`;
      return;
    }
    for (const [key, value] of Object.entries(obj)) {
      if (!DATA_KEYWORDS.has(key)) walk(value, `${where}/${key}`);
    }
  };
  walk(schema, '');
  if (problem) return problem;
  if (patterns.length > SCHEMA_LIMITS.maxPatterns) {
    return `has ${patterns.length} patterns; a schema may have at most ${SCHEMA_LIMITS.maxPatterns}`;
  }
  let total = 0;
  for (const { where, source } of patterns) {
    if (source.length > SCHEMA_LIMITS.maxPatternLength) {
      return `${where}: a pattern may be at most ${SCHEMA_LIMITS.maxPatternLength} characters`;
    }
    let size: number;
    try {
      size = compileLinear(source, 'u').size;
    } catch (err) {
      return `${where}: ${JSON.stringify(source)} is not a pattern the linear-time engine accepts (RE2 syntax: no backreferences or lookaround): ${(err as Error).message}`;
    }
    if (size > SCHEMA_LIMITS.maxPatternProgram) {
      return `${where}: ${JSON.stringify(source.slice(0, 40))} compiles to ${size} instructions; at most ${SCHEMA_LIMITS.maxPatternProgram}`;
    }
    total += size;
    if (total > SCHEMA_LIMITS.maxTotalPatternProgram) {
      return `its patterns compile to more than ${SCHEMA_LIMITS.maxTotalPatternProgram} instructions in all`;
    }
  }
  return undefined;
}

function uniqueItemsIsCheap(schema: Record<string, unknown>): boolean {
  if (typeof schema.maxItems === 'number' && schema.maxItems <= SCHEMA_LIMITS.maxUniqueItems) return true;
  const items = schema.items as { type?: unknown } | undefined;
  const types = items && typeof items === 'object' ? items.type : undefined;
  const list = Array.isArray(types) ? types : types === undefined ? [] : [types];
  return list.length > 0 && list.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t));
}
