import { DEV_SERVER_START_TRIES, retryStartupTimeouts } from '../../src/devtools/dev-server';

const timeout = () => new Error('Failed to start ephemeral server: ephemeral server at 127.0.0.1:39331 did not start within 5s.');

describe('retryStartupTimeouts', () => {
  test('starts again after a start-up timeout and returns what the next try gives', async () => {
    let calls = 0;
    const result = await retryStartupTimeouts(async () => {
      calls += 1;
      if (calls < 2) throw timeout();
      return 'server';
    });
    expect(result).toBe('server');
    expect(calls).toBe(2);
  });

  test('gives up after the last try with the timeout itself', async () => {
    let calls = 0;
    await expect(
      retryStartupTimeouts(async () => {
        calls += 1;
        throw timeout();
      }),
    ).rejects.toThrow(/did not start within/);
    expect(calls).toBe(DEV_SERVER_START_TRIES);
  });

  test('any other error is thrown at once', async () => {
    let calls = 0;
    await expect(
      retryStartupTimeouts(async () => {
        calls += 1;
        throw new Error('spawn temporal ENOENT');
      }),
    ).rejects.toThrow('ENOENT');
    expect(calls).toBe(1);
  });
});
