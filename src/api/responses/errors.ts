import { z } from 'zod';

export const errorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable and machine-readable, e.g. `validation_failed`, `not_found`, `invalid_state`.' }),
      message: z.string().meta({ description: 'For people; its wording may change.' }),
      details: z
        .array(z.strictObject({ path: z.string().meta({ description: 'e.g. `body.url`, `query.limit`' }), message: z.string() }))
        .optional()
        .meta({ description: 'With `validation_failed`: each problem, by path.' }),
    }),
  })
  .meta({ description: 'Every error, on every route.' });
