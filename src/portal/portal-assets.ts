import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The portal's files: plain HTML, CSS and JavaScript modules, shipped with the package, loading nothing from elsewhere. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The names `/portal/assets/:asset` serves: flat, lowercase, nothing that could climb out of the folder. */
export const PORTAL_ASSET_PATTERN = /^[a-z0-9][a-z0-9-]*\.(?:js|css|svg)$/;

/**
 * The folder, from the sources (`npm start`, tests) or next to the compiled
 * code (`dist/src/portal` → `src/portal/assets`, as the image ships it).
 */
export function portalAssetsDir(): string {
  const compiled = `${path.sep}dist${path.sep}src${path.sep}portal`;
  return __dirname.endsWith(compiled) ? path.join(__dirname, '..', '..', '..', 'src', 'portal', 'assets') : path.join(__dirname, 'assets');
}

export interface PortalFile {
  body: Buffer;
  type: string;
}

/** Reads each file once, on first use. */
export class PortalAssets {
  private readonly cache = new Map<string, PortalFile | null>();

  constructor(private readonly dir: string = portalAssetsDir()) {}

  /** A file `/portal/assets/:asset` may serve, or undefined. */
  asset(name: string): PortalFile | undefined {
    return PORTAL_ASSET_PATTERN.test(name) ? this.read(name) : undefined;
  }

  /** One of the portal's HTML pages. */
  page(name: 'index.html' | 'signed-out.html'): PortalFile {
    const file = this.read(name);
    if (!file) throw new Error(`The portal page ${name} is missing from ${this.dir}`);
    return file;
  }

  private read(name: string): PortalFile | undefined {
    if (!this.cache.has(name)) {
      const file = path.join(this.dir, name);
      const type = CONTENT_TYPES[path.extname(name)];
      this.cache.set(name, type && existsSync(file) ? { body: readFileSync(file), type } : null);
    }
    return this.cache.get(name) ?? undefined;
  }
}
