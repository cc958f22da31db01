import { z } from 'zod';
import { PROFILE_NAMES } from '../../domain/profiles';

/** Any id in a path, query or body. */
export const uuid = z.uuid({ error: 'must be a UUID' });

/** A profile by name; an unknown name is refused with the list of names. */
export const profileName = z
  .enum(PROFILE_NAMES, {
    error: (issue) =>
      `unknown profile ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : String(issue.input)}: must be one of ${PROFILE_NAMES.join(', ')}`,
  })
  .meta({
    description: `The wire format and delivery rules of a named system: ${PROFILE_NAMES.map((n) => `\`${n}\``).join(', ')}. See README "Profiles".`,
  });

/** An ISO 8601 date or date-time: a bound of a time range. */
export const isoDate = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z',
  })
  .meta({ description: 'An ISO 8601 date or date-time, e.g. `2026-01-31` or `2026-01-31T12:00:00Z`.' });

/** Results per page, 1 to 200; 10 unless given. */
export const limit = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(200, 'must be at most 200')
  .default(10)
  .meta({ description: 'Results per page.' });
/** Where a page starts: the `next_cursor` of the one before. */
export const cursor = z.string().meta({ description: 'The `next_cursor` of the previous page.' });

/** For lists that take no parameters: an unknown one is refused like everywhere else. */
export const noQuery = z.strictObject({});
