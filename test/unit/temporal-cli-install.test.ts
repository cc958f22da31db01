import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalCli, GO_INSTALL_ESTIMATE, TEMPORAL_CLI_VERSION } from '../../src/devtools/temporal-cli';

/**
 * What a newcomer sees while the first start builds the Temporal CLI. A `go`
 * script stands in for the toolchain (the real build takes minutes): it
 * answers `go env GOVERSION`, and on `go install -v` names packages one by one
 * on stderr, as go does, before writing the binary into GOBIN.
 */
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hookline-go-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeGo(version: string, install: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'go'),
    `#!/bin/sh\nif [ "$1" = env ]; then echo ${version}; exit 0; fi\n${install}\n`,
  );
  chmodSync(path.join(bin, 'go'), 0o755);
  return bin;
}

const env = (bin: string | undefined) => ({ PATH: [bin, '/usr/bin', '/bin'].filter(Boolean).join(':'), TEMPORAL_CLI_CACHE_DIR: path.join(dir, 'cache'), HOME: dir });

it('says what it builds, how long that usually takes and where the log is, then reports progress until it is built', async () => {
  const bin = fakeGo(
    'go1.26.0',
    `for i in 1 2 3 4 5 6; do echo "github.com/example/pkg$i" >&2; sleep 0.15; done
printf '#!/bin/sh\\necho temporal\\n' > "$GOBIN/temporal"; chmod +x "$GOBIN/temporal"`,
  );
  const lines: string[] = [];
  const exe = await ensureTemporalCli({ env: env(bin), log: (l) => lines.push(l), progressEveryMs: 200 });

  expect(exe).toEqual({ type: 'existing-path', path: path.join(dir, 'cache', `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal'), source: 'go-install' });
  const logFile = path.join(dir, 'cache', `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'go-install.log');
  expect(lines[0]).toContain(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION}`);
  expect(lines[0]).toContain(`usually ${GO_INSTALL_ESTIMATE}`);
  expect(lines[0]).toContain(logFile);
  const progress = lines.filter((l) => l.includes('still building the Temporal CLI'));
  expect(progress.length).toBeGreaterThanOrEqual(2);
  expect(progress[0]).toMatch(/0:0\d elapsed/);
  expect(progress[0]).toContain(logFile);
  // The count grows as go names packages.
  const counts = progress.map((l) => Number(/(\d+) packages compiled/.exec(l)![1]));
  expect(counts[counts.length - 1]).toBeGreaterThan(counts[0]!);
  expect(lines[lines.length - 1]).toMatch(/^Built the Temporal CLI in 0:0\d\.$/);
  expect(readFileSync(logFile, 'utf8')).toContain('github.com/example/pkg6');

  // Built once: the next start finds it in the cache and says nothing.
  const again: string[] = [];
  expect(await ensureTemporalCli({ env: env(bin), log: (l) => again.push(l) })).toMatchObject({ source: 'cache' });
  expect(again).toEqual([]);
});

it('fails with the end of go’s log when the build fails', async () => {
  const bin = fakeGo('go1.26.0', 'echo "go: downloading github.com/temporalio/cli v1.5.1" >&2; echo "proxy.golang.org: 403 Forbidden" >&2; exit 1');
  await expect(ensureTemporalCli({ env: env(bin), log: () => undefined })).rejects.toThrow(/go install exited with 1; the end of its log \(.*go-install\.log\):\n[\s\S]*403 Forbidden/);
});

it('gives a one-line fix when Go is too old, before falling back to the SDK download', async () => {
  const bin = fakeGo('go1.22.5', 'exit 1');
  const exe = await ensureTemporalCli({ env: env(bin) });
  expect(exe).toEqual({ type: 'sdk-download', reason: 'Go 1.22 is older than 1.25', fix: expect.stringContaining('install Go 1.25 or newer') });
  if (exe.type === 'sdk-download') expect(exe.fix).toContain('TEMPORAL_CLI_PATH');
});

it('gives the same fix when Go is missing', async () => {
  const exe = await ensureTemporalCli({ env: env(undefined) });
  expect(exe).toMatchObject({ type: 'sdk-download', reason: 'no Temporal CLI found and Go is not installed', fix: expect.stringContaining('https://go.dev/dl/') });
});
