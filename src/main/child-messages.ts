/**
 * What an engine process tells the `npm start` process that launched it, over
 * the IPC channel Node opens when the parent asks for one. A process started
 * any other way (npm run start:api, the Docker image) has no channel and
 * sends nothing.
 */
export interface ReadyMessage {
  type: 'hookline:ready';
  /** The API's base URL (the API process only). */
  url?: string;
}

/** Tells the launching process, if there is one, that this process is serving. */
export function announceReady(message: Omit<ReadyMessage, 'type'> = {}): void {
  if (process.send && process.connected) process.send({ type: 'hookline:ready', ...message } satisfies ReadyMessage);
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'hookline:ready';
}
