import { WebhookStatus } from './statuses';

/** What an operator (or auto-disable) can do to a webhook's state. */
export const WEBHOOK_ACTIONS = ['pause', 'resume', 'disable', 'enable'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** Arguments of the `disable` signal. */
export interface DisableArgs {
  reason?: string;
}

/** A failed delivery attempt, as reported to the webhook's controller; feeds auto-disable. */
export interface AttemptFailedArgs {
  /** Epoch milliseconds of the attempt. */
  at: number;
  statusCode: number | null;
}

/** One state change asked of a webhook. */
export interface WebhookStateChange {
  action: WebhookAction;
  reason?: string;
}

/** The webhook's state after a change, as Postgres now holds it. */
export interface WebhookStateResult {
  ok: boolean;
  status?: WebhookStatus;
  /** False when the webhook was already in that state. */
  changed?: boolean;
  /** Why a change was refused, e.g. pausing a disabled webhook. */
  error?: string;
}

/** What an action does to a webhook in a given status: a new (or the same) status, or a refusal. */
export type WebhookTransition =
  | { ok: true; status: WebhookStatus; changed: boolean }
  | { ok: false; status?: WebhookStatus; error: string };

/** Why pausing or resuming a disabled webhook is refused. */
const DISABLED_REFUSAL = 'webhook is disabled; enable it instead';

/**
 * The webhook state machine. Transitions: pause active→paused; resume
 * paused→active; disable any→disabled; enable paused|disabled→active.
 * Repeating a change is a no-op (`changed: false`); pausing or resuming a
 * disabled webhook is refused, and so is any change to a webhook that is gone
 * (`status` undefined).
 */
export function webhookTransition(status: WebhookStatus | undefined, action: WebhookAction): WebhookTransition {
  if (status === undefined) return { ok: false, error: 'webhook does not exist' };
  const stay: WebhookTransition = { ok: true, status, changed: false };
  const to = (next: WebhookStatus): WebhookTransition => ({ ok: true, status: next, changed: true });
  switch (action) {
    case 'pause':
      if (status === WebhookStatus.Disabled) return { ok: false, status, error: DISABLED_REFUSAL };
      return status === WebhookStatus.Paused ? stay : to(WebhookStatus.Paused);
    case 'resume':
      if (status === WebhookStatus.Disabled) return { ok: false, status, error: DISABLED_REFUSAL };
      return status === WebhookStatus.Active ? stay : to(WebhookStatus.Active);
    case 'enable':
      return status === WebhookStatus.Active ? stay : to(WebhookStatus.Active);
    case 'disable':
      return status === WebhookStatus.Disabled ? stay : to(WebhookStatus.Disabled);
  }
}
