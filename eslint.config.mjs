// Lint guards for what the compiler cannot see: unawaited promises, workflow determinism and the
// direction of imports between layers (README, "Architecture"). `npm run lint`; part of `npm test`.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** An import restriction: none of `group` (gitignore-style patterns) may be imported, with why. */
const forbid = (message, ...group) => ({ group, message });

/** `no-restricted-imports` with the given pattern groups (and exact module names, `paths`). */
const restrictImports = (patterns, paths = []) => ({ 'no-restricted-imports': ['error', { patterns, paths }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/portal/assets/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and do no I/O. Time, randomness and
    // timers come from @temporalio/workflow (workflowInfo, uuid4, sleep, condition).
    files: ['workflows/**/*.ts'],
    rules: {
      ...restrictImports(
        [
          forbid(
          'Workflows import only domain code, other workflow modules and @temporalio/workflow or @temporalio/common.',
          '../src/*',
          '!../src/domain',
          '../activities',
          '../activities/*',
          '@temporalio/client',
          '@temporalio/worker',
          '@temporalio/activity',
          'pg',
          ),
        ],
        nodeBuiltins.map((name) => ({ name, message: 'Workflows do no I/O: Node built-ins are not available in the workflow sandbox.' })),
      ),
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Use workflow time (workflowInfo().runStartTime, or an activity) instead of Date.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setImmediate', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'clearTimeout', message: 'Cancel a CancellationScope instead.' },
        { name: 'clearInterval', message: 'Cancel a CancellationScope instead.' },
        { name: 'queueMicrotask', message: 'Workflow code schedules work through @temporalio/workflow only.' },
        { name: 'process', message: 'Workflows cannot read the process: pass what they need in their input.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow, or take randomness as input.' },
        { object: 'performance', property: 'now', message: 'Use workflow time.' },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: restrictImports([
      forbid('Services sit below the API: they take and return domain types, and the API presents them.', '../api', '../api/*'),
    ]),
  },
  {
    files: ['src/api/**/*.ts'],
    rules: restrictImports([
      forbid(
        'The API reaches data through services, never through repositories or the pool.',
        '**/repositories',
        '**/repositories/*',
        '**/db/*',
      ),
    ]),
  },
  {
    files: ['src/repositories/**/*.ts'],
    rules: restrictImports([
      forbid('Repositories are below services, the API and Temporal.', '../api', '../api/*', '../services/*', '../temporal/*', '../../workflows/*', '../../activities/*'),
    ]),
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: restrictImports([
      forbid(
        'Domain code depends on nothing above it.',
        '../api/*',
        '../services/*',
        '../repositories/*',
        '../temporal/*',
        '../db/*',
        '../server/*',
        '../../workflows/*',
        '../../activities/*',
        'pg',
        '@temporalio/*',
      ),
    ]),
  },
  {
    // The clients are packages of their own, published apart from the engine: they reach it only over HTTP.
    files: ['clients/**/*.ts'],
    rules: restrictImports([
      forbid(
        "Clients depend on the engine's HTTP contract only (the generated schema), never on its code.",
        '../../src/*',
        '../../../src/*',
        '../../activities/*',
        '../../../activities/*',
        '../../workflows/*',
        '../../../workflows/*',
        '@temporalio/*',
        'pg',
      ),
    ]),
  },
  {
    files: ['activities/**/*.ts'],
    rules: restrictImports([
      forbid(
        'Activities reach Temporal only through the injected workflow-control interface; of the use cases they call only publishing (the one path that creates deliveries, operational events included).',
        '**/workflows',
        '**/workflows/*',
        '**/src/temporal/*',
        '**/src/api/*',
        '**/src/services/*',
        '!**/src/services/publish-event',
        '!**/src/services/publish-operational-event',
      ),
    ]),
  },
);
