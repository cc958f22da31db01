import { z } from 'zod';
import { id } from './fields';

/** `{results, next_cursor}`: `next_cursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    results: z.array(item),
    next_cursor: id.nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one.' }),
  });
export type PageResponse<V> = Omit<z.infer<ReturnType<typeof pageOf>>, 'results'> & { results: V[] };
