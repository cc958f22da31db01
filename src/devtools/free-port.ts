import { createServer } from 'node:net';

/**
 * Ports below the kernel's ephemeral range (32768-60999 on Linux), where
 * `listen(0)` and outgoing connections never land: a port picked here stays
 * free for the caller to bind, unless another caller picks the same one.
 */
const RANGE = { from: 20_000, to: 32_000 } as const;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago; the caller binds it next. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = RANGE.from + Math.floor(Math.random() * (RANGE.to - RANGE.from));
    if (await canBind(port)) return port;
  }
  // A crowded range: let the OS pick one.
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
