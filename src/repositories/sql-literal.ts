import { DeliveryStatus } from '../domain/statuses';

/** A constant as a SQL string literal. */
export const sqlLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * The pending status as a literal in the query text, for the statements that
 * rely on the partial indexes `WHERE status = 'pending'` (deliveries_outbox,
 * deliveries_pending_by_webhook): the planner uses such an index only when it
 * can prove the query's predicate implies the index's, which a parameter
 * hides from a generic plan.
 */
export const PENDING_DELIVERY = sqlLiteral(DeliveryStatus.Pending);
