/** Names of the variables global setup hands to every test file. */
export const TEST_ENV = {
  pgAdminUrl: 'HOOKLINE_TEST_PG_ADMIN_URL',
  temporalAddress: 'HOOKLINE_TEST_TEMPORAL_ADDRESS',
  workflowBundle: 'HOOKLINE_TEST_WORKFLOW_BUNDLE',
  runId: 'HOOKLINE_TEST_RUN_ID',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the tests with "npm test"`);
  return value;
}
