import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../src/config';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const configSection = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));

describe('the README configuration table', () => {
  it.each(Object.keys(envSchema.shape))('documents %s', (name) => {
    expect(configSection).toContain(`\`${name}\``);
  });

  it('documents the variables npm start reads', () => {
    const start = readFileSync(path.join(__dirname, '..', '..', 'src', 'main', 'start.ts'), 'utf8');
    const read = [...start.matchAll(/process\.env\.([A-Z_]+)/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(0);
    for (const name of new Set(read)) expect(configSection).toContain(`\`${name}\``);
  });
});
