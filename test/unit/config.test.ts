import { ConfigError, loadConfig, parseEncryptionKey, type Env } from '../../src/config';

const KEY_BYTES = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

const minimalEnv: Env = {
  API_KEY: 'test-api-key-0123456789',
  DATABASE_URL: 'postgres://hookline@db.internal:5432/hookline',
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  SECRET_ENCRYPTION_KEY: KEY_BYTES.toString('base64'),
};

function problemsOf(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('with only the four required values gives the documented defaults', () => {
    const config = loadConfig(minimalEnv);
    expect(config).toEqual({
      env: 'development',
      http: { host: '0.0.0.0', port: 3000, maxBodyBytes: 262_144 },
      metrics: { onApiPort: true, workerHost: '0.0.0.0', eventTypes: [] },
      apiKey: 'test-api-key-0123456789',
      defaultClientId: 'default',
      database: { url: 'postgres://hookline@db.internal:5432/hookline', poolMax: 10 },
      secretEncryptionKey: KEY_BYTES,
      temporal: { address: 'temporal.internal:7233', namespace: 'default', taskQueue: 'webhook-deliveries' },
      delivery: {
        timeoutMs: 15_000,
        userAgent: 'Hookline-Webhooks/0.1 (+https://github.com/hookline/hookline)',
        retry: { initialIntervalMs: 10_000, backoffCoefficient: 2, maximumAttempts: 5, retryAfterMaxMs: 3_600_000 },
      },
      autoDisable: { failureThreshold: 5, windowMs: 10_000 },
      secretRotationGraceMs: 86_400_000,
      accountSync: { intervalMs: 86_400_000, retryDelayMs: 300_000, maxRetries: 3 },
      retention: { days: 30, intervalMs: 3_600_000 },
      targets: { allowPrivate: [], httpsOnly: false, development: true },
      egress: {},
      eventsRateLimit: { perSecond: 1000, burst: 2000 },
      authFailureLimit: { limit: 20, windowMs: 60_000 },
      dispatcher: { enabled: true, batchSize: 200, concurrency: 32, pollIntervalMs: 1_000 },
      worker: { maxConcurrentActivities: 200, maxConcurrentWorkflowTasks: 100, maxCachedWorkflows: 200, shutdownGraceMs: 30_000, niceness: 10, metricsPort: 9464, sdkMetricsPort: 9465 },
      portal: { linkTtlMs: 600_000, sessionTtlMs: 3_600_000, frameAncestors: "'none'", cookieSameSite: 'lax' },
    });
    expect(config.secretEncryptionKey.equals(KEY_BYTES)).toBe(true);
  });

  it('is frozen at every depth: assigning throws and the value stays', () => {
    const config = loadConfig(minimalEnv);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.delivery.retry)).toBe(true);
    expect(() => {
      (config as { apiKey: string }).apiKey = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (config.delivery.retry as { maximumAttempts: number }).maximumAttempts = 99;
    }).toThrow(TypeError);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.apiKey).toBe('test-api-key-0123456789');
    expect(config.delivery.retry.maximumAttempts).toBe(5);
    expect(config.http.port).toBe(3000);
  });

  it('accepts the encryption key as 64 hex characters', () => {
    const config = loadConfig({ ...minimalEnv, SECRET_ENCRYPTION_KEY: KEY_BYTES.toString('hex') });
    expect(config.secretEncryptionKey.equals(KEY_BYTES)).toBe(true);
  });

  it('reads overrides and coerces numbers and booleans', () => {
    const config = loadConfig({
      ...minimalEnv,
      NODE_ENV: 'production',
      PORT: '8080',
      RETRY_INITIAL_INTERVAL_MS: '300',
      RETRY_BACKOFF_COEFFICIENT: '1.5',
      RETRY_MAXIMUM_ATTEMPTS: '3',
      DELIVERY_TIMEOUT_MS: '2000',
      TEMPORAL_TASK_QUEUE: 'q-test',
      DISPATCHER_ENABLED: 'no',
    });
    expect(config.env).toBe('production');
    expect(config.targets).toEqual({ allowPrivate: [], httpsOnly: true, development: false });
    expect(config.http.port).toBe(8080);
    expect(config.delivery.retry).toEqual({
      initialIntervalMs: 300,
      backoffCoefficient: 1.5,
      maximumAttempts: 3,
      retryAfterMaxMs: 3_600_000,
    });
    expect(config.delivery.timeoutMs).toBe(2_000);
    expect(config.temporal.taskQueue).toBe('q-test');
    expect(config.dispatcher.enabled).toBe(false);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads DISPATCHER_ENABLED=%s as %s', (raw, enabled) => {
    expect(loadConfig({ ...minimalEnv, DISPATCHER_ENABLED: raw }).dispatcher.enabled).toBe(enabled);
  });

  it('takes an http(s) proxy URL and an IP literal as the local address, and refuses others without repeating the proxy URL', () => {
    const config = loadConfig({ ...minimalEnv, EGRESS_PROXY_URL: 'https://u:p%40ss@proxy.internal:3129', EGRESS_LOCAL_ADDRESS: '2001:db8::5' });
    expect(config.egress).toEqual({ proxyUrl: 'https://u:p%40ss@proxy.internal:3129', localAddress: '2001:db8::5' });
    for (const [name, value, message] of [
      ['EGRESS_PROXY_URL', 'socks5://u:hidden-pw@proxy:1080', 'must be an http:// or https:// URL'],
      ['EGRESS_PROXY_URL', 'http://u:hidden-pw@proxy:3128/path', 'must have no path, query or fragment'],
      ['EGRESS_LOCAL_ADDRESS', 'eth0', 'must be an IP address of this host'],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ ...minimalEnv, [name]: value });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringContaining(`${name}: ${message}`)]);
      expect((error as Error).message).not.toContain('hidden-pw');
    }
  });

  it('takes a worker nice value from 0 to 19 and refuses others', () => {
    expect(loadConfig({ ...minimalEnv, WORKER_NICENESS: '0' }).worker.niceness).toBe(0);
    expect(loadConfig({ ...minimalEnv, WORKER_NICENESS: '19' }).worker.niceness).toBe(19);
    for (const bad of ['20', '-1', 'low']) expect(problemsOf({ ...minimalEnv, WORKER_NICENESS: bad }).join('\n')).toMatch(/^WORKER_NICENESS: /m);
  });

  it('takes a retention of 1 to 3650 days and an interval of at least a minute, and refuses others', () => {
    expect(loadConfig({ ...minimalEnv, RETENTION_DAYS: '1' }).retention.days).toBe(1);
    expect(loadConfig({ ...minimalEnv, RETENTION_DAYS: '3650' }).retention.days).toBe(3650);
    for (const bad of ['0', '3651', '7.5', 'forever']) expect(problemsOf({ ...minimalEnv, RETENTION_DAYS: bad }).join('\n')).toMatch(/^RETENTION_DAYS: /m);
    expect(loadConfig({ ...minimalEnv, RETENTION_INTERVAL_MS: '60000' }).retention.intervalMs).toBe(60_000);
    expect(problemsOf({ ...minimalEnv, RETENTION_INTERVAL_MS: '59999' }).join('\n')).toMatch(/^RETENTION_INTERVAL_MS: /m);
  });

  it('with nothing set reports each of the four missing values', () => {
    expect(problemsOf({})).toEqual([
      'API_KEY: required (at least 16 characters)',
      'DATABASE_URL: required (a postgres:// connection URL)',
      'TEMPORAL_ADDRESS: required (host:port of the Temporal frontend)',
      'SECRET_ENCRYPTION_KEY: required (32 bytes as base64 or 64 hex characters)',
    ]);
  });

  it.each(['API_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'SECRET_ENCRYPTION_KEY'])(
    'without %s reports only that one missing',
    (name) => {
      const env = { ...minimalEnv };
      delete env[name];
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: required`));
    },
  );

  it('counts empty-string values as unset', () => {
    expect(
      problemsOf({ API_KEY: '', DATABASE_URL: '', TEMPORAL_ADDRESS: '', SECRET_ENCRYPTION_KEY: '' }),
    ).toEqual([
      'API_KEY: required (at least 16 characters)',
      'DATABASE_URL: required (a postgres:// connection URL)',
      'TEMPORAL_ADDRESS: required (host:port of the Temporal frontend)',
      'SECRET_ENCRYPTION_KEY: required (32 bytes as base64 or 64 hex characters)',
    ]);
  });

  it('an empty optional value falls back to its default', () => {
    const config = loadConfig({ ...minimalEnv, PORT: '', TEMPORAL_NAMESPACE: '', DISPATCHER_ENABLED: '' });
    expect(config.http.port).toBe(3000);
    expect(config.temporal.namespace).toBe('default');
    expect(config.dispatcher.enabled).toBe(true);
  });

  it('reports PORT=abc and a 5-character API_KEY together', () => {
    expect(problemsOf({ ...minimalEnv, PORT: 'abc', API_KEY: 'short' })).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'API_KEY: API_KEY must be at least 16 characters',
    ]);
  });

  it('reports a port above 65535', () => {
    expect(problemsOf({ ...minimalEnv, PORT: '70000' })).toEqual(['PORT: Too big: expected number to be <=65535']);
  });

  it('reports an encryption key of the wrong length', () => {
    expect(problemsOf({ ...minimalEnv, SECRET_ENCRYPTION_KEY: Buffer.alloc(16, 1).toString('base64') })).toEqual([
      'SECRET_ENCRYPTION_KEY: must be 32 bytes, given as base64 or 64 hex characters',
    ]);
  });

  it('puts every problem in the error message, one per line', () => {
    expect(() => loadConfig({ ...minimalEnv, API_KEY: undefined, DATABASE_URL: undefined })).toThrow(
      'Invalid configuration:\n  - API_KEY: required (at least 16 characters)\n  - DATABASE_URL: required',
    );
  });

  it('names its error ConfigError', () => {
    expect(() => loadConfig({})).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
});

describe('parseEncryptionKey', () => {
  it('reads 64 hex characters as 32 bytes', () => {
    expect(parseEncryptionKey(KEY_BYTES.toString('hex'))).toEqual(KEY_BYTES);
  });

  it('reads upper-case hex too', () => {
    expect(parseEncryptionKey(KEY_BYTES.toString('hex').toUpperCase())).toEqual(KEY_BYTES);
  });

  it('reads base64 of 32 bytes', () => {
    expect(parseEncryptionKey(KEY_BYTES.toString('base64'))).toEqual(KEY_BYTES);
  });

  it('reads base64url of 32 bytes', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    expect(bytes.toString('base64')).toContain('+');
    expect(parseEncryptionKey(bytes.toString('base64url'))).toEqual(bytes);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseEncryptionKey(`  ${KEY_BYTES.toString('hex')}\n`)).toEqual(KEY_BYTES);
  });

  it.each([
    ['62 hex characters', KEY_BYTES.toString('hex').slice(0, 62)],
    ['base64 of 31 bytes', Buffer.alloc(31, 9).toString('base64')],
    ['base64 of 33 bytes', Buffer.alloc(33, 9).toString('base64')],
    ['characters outside base64', '!'.repeat(44)],
    ['an empty string', ''],
  ])('rejects %s', (_label, raw) => {
    expect(parseEncryptionKey(raw)).toBeUndefined();
  });
});
