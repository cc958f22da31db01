import os from 'node:os';
import path from 'node:path';
import { binaryCacheBase, TEMPORAL_CLI_VERSION, temporalCliCacheDir } from '../../src/devtools/temporal-cli';

describe('where the Temporal binaries are cached', () => {
  test('TEMPORAL_CLI_CACHE_DIR first, then $XDG_CACHE_HOME/hookline, then ~/.cache/hookline', () => {
    expect(binaryCacheBase({ TEMPORAL_CLI_CACHE_DIR: '/opt/cache', XDG_CACHE_HOME: '/xdg' })).toBe('/opt/cache');
    expect(binaryCacheBase({ XDG_CACHE_HOME: '/xdg' })).toBe(path.join('/xdg', 'hookline'));
    expect(binaryCacheBase({})).toBe(path.join(os.homedir(), '.cache', 'hookline'));
  });

  test('the CLI has a folder per version under that base', () => {
    expect(temporalCliCacheDir({ TEMPORAL_CLI_CACHE_DIR: '/opt/cache' })).toBe(path.join('/opt/cache', `temporal-cli-${TEMPORAL_CLI_VERSION}`));
  });
});
