/**
 * `npm run test:fault`: the fault suite only (test/fault/*.fault.test.ts). Each file starts its
 * own Postgres, Temporal server, API and worker processes, so no global set-up is needed.
 * FAULT_STACK=prod runs them on the Postgres-backed Temporal Server (one file at a time).
 * @type {import('jest').Config}
 */
const path = require('node:path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/test/fault'],
  testMatch: ['**/*.fault.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Longest first: their waiting overlaps the shorter ones.
  testSequencer: '<rootDir>/test/fault/longest-first-sequencer.js',
  maxWorkers: process.env.FAULT_STACK === 'prod' ? 1 : 3,
  testTimeout: 300_000,
};
