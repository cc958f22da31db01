import type { PageResponse } from '../responses/pages';

/** A page of results and the cursor of the next one (null on the last page). */
export function pageView<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V): PageResponse<V> {
  return { results: rows.map(view), next_cursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
