import type { z } from 'zod';
import { BadRequestError, ValidationError } from '../errors';
import { isUuid } from '../util/uuid';

/** Parses `input` with `schema` or throws a 422 listing every problem by path. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` };
    }
    return { path, message: issue.message };
  });
  throw new ValidationError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

/** Path ids must be UUIDs; anything else is a 400 that says so, never a database error. */
export function uuidParam(value: string | undefined, name = 'id'): string {
  if (!value || !isUuid(value)) throw new BadRequestError(`${name} must be a UUID, got "${value ?? ''}"`, 'invalid_id');
  return value.toLowerCase();
}

/** Cursors are the id of the last row of the previous page. */
export function cursorParam(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isUuid(value)) throw new BadRequestError('cursor is not one this API issued', 'invalid_cursor');
  return value.toLowerCase();
}
