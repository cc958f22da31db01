import { readFileSync } from 'node:fs';
import path from 'node:path';
import { engineNodeFlags, engineProcessEnv, WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../src/main/engine-runtime';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('engine runtime settings', () => {
  it('bounds the worker only: the API runs with Node defaults', () => {
    expect(engineNodeFlags('worker')).toEqual(['--max-old-space-size=256', '--max-semi-space-size=4']);
    expect(engineNodeFlags('api')).toEqual([]);
    expect(engineProcessEnv('worker', { A: '1' })).toEqual({ MALLOC_ARENA_MAX: '2', A: '1' });
    expect(engineProcessEnv('api', { A: '1' })).toEqual({ A: '1' });
  });

  it("lets the caller's environment win over the worker's own", () => {
    expect(engineProcessEnv('worker', { MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });

  // The files below cannot import the module: they must say the same.
  it('npm run start:worker runs the worker with the same flags and environment', () => {
    const script: string = JSON.parse(read('package.json')).scripts['start:worker'];
    for (const flag of WORKER_NODE_FLAGS) expect(script).toContain(` ${flag} `);
    for (const [k, v] of Object.entries(WORKER_PROCESS_ENV)) expect(script).toContain(`${k}=\${${k}:-${v}}`);
    expect(script).toMatch(/--import tsx src\/main\/worker\.ts$/);
  });

  it('the Docker image and docker-compose.yml run the worker with the same flags and environment', () => {
    const compose = read('docker-compose.yml');
    const command = compose.match(/^ {2}worker:\n(?:.*\n)*? {4}command: (\[.*\])$/m);
    expect(command).not.toBeNull();
    expect(JSON.parse(command![1]!)).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/src/main/worker.js']);
    const dockerfile = read('Dockerfile');
    for (const [k, v] of Object.entries(WORKER_PROCESS_ENV)) expect(dockerfile).toMatch(new RegExp(`^ENV ${k}=${v}$`, 'm'));
  });
});
