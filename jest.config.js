/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite drives its own processes and servers: `npm run test:fault`.
  testPathIgnorePatterns: ['/node_modules/', '/test/fault/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // The real-schedule tests wait ~150 s on Temporal timers; they start first and run beside the rest.
  testSequencer: '<rootDir>/test/support/long-tests-first-sequencer.js',
  // Most time is spent waiting on servers, so one more worker than cores keeps both cores busy.
  maxWorkers: 3,
  testTimeout: 60_000,
};
