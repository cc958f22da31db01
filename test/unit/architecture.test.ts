import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layout the README's Architecture table describes, checked on the code itself: every
 * import (type-only ones too) points down the stack, no module imports itself back through
 * others, and every folder of the engine has its row in the table.
 */

const ROOT = path.resolve(__dirname, '../..');
const SOURCE_ROOTS = ['src', 'activities', 'workflows'];

/** What each layer may import besides itself. A file's layer is its folder under `src/`, or `activities` / `workflows`. */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  domain: ['util'],
  errors: ['domain'],
  crypto: ['domain', 'util'],
  security: ['domain', 'util'],
  db: ['util'],
  portal: ['domain', 'util', 'crypto'],
  config: ['domain', 'security', 'portal', 'util'],
  logger: ['config'],
  observability: ['domain', 'util', 'config', 'logger'],
  repositories: ['db', 'domain', 'crypto', 'util', 'errors'],
  workflows: ['domain'],
  temporal: ['workflows', 'activities', 'domain', 'config', 'logger', 'observability', 'util'],
  devtools: ['util', 'config', 'logger', 'workflows'],
  activities: ['repositories', 'crypto', 'security', 'domain', 'util', 'db', 'config', 'logger', 'observability', 'services/publish-event', 'services/publish-operational-event'],
  services: ['repositories', 'temporal', 'domain', 'crypto', 'security', 'util', 'errors', 'config', 'db', 'observability', 'logger', 'portal'],
  dispatcher: ['repositories', 'temporal', 'domain', 'config', 'logger', 'db', 'util', 'observability'],
  api: ['services', 'domain', 'errors', 'portal', 'util', 'observability', 'logger', 'config', 'security', 'crypto', 'package.json'],
  server: ['api', 'services', 'dispatcher', 'temporal', 'repositories', 'db', 'activities', 'workflows', 'domain', 'crypto', 'security', 'portal', 'observability', 'config', 'logger', 'errors', 'util'],
  main: ['server', 'temporal', 'devtools', 'db', 'config', 'logger', 'util', 'domain', 'crypto'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'assets' ? [] : sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${path.relative(ROOT, from)} imports ${spec}, which does not exist`);
}

/** `src/services/publish-event.ts` → `services`; `workflows/x.ts` → `workflows`; `src/config.ts` → `config`. */
function layerOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] !== 'src') return rel[0]!;
  return rel.length > 2 ? rel[1]! : rel[1]!.replace(/\.(ts|json)$/, '');
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_ROOTS.flatMap((r) => sourceFiles(path.join(ROOT, r)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map((i) => resolveImport(file, i.fileName)).filter((t): t is string => t !== undefined),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(ROOT, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const graph = importGraph();

describe('architecture', () => {
  test('no import cycle between modules', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test('every import points down the stack (README, "Architecture")', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      const layer = layerOf(from);
      const allowed = ALLOWED[layer];
      if (!allowed) {
        upward.push(`${path.relative(ROOT, from)}: layer ${layer} has no rule`);
        continue;
      }
      for (const to of targets) {
        const target = layerOf(to);
        if (target === layer) continue;
        const module = `${target}/${path.basename(to, '.ts')}`;
        if (!allowed.includes(target) && !allowed.includes(module)) {
          upward.push(`${path.relative(ROOT, from)} → ${path.relative(ROOT, to)}`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  test('workflows import nothing but domain code and the workflow SDK', () => {
    const outside: string[] = [];
    for (const file of graph.keys()) {
      if (layerOf(file) !== 'workflows') continue;
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (!fileName.startsWith('.') && !/^@temporalio\/(workflow|common)$/.test(fileName)) {
          outside.push(`${path.relative(ROOT, file)} imports ${fileName}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  test("the README's Architecture table names every folder of the engine", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('\n## ', readme.indexOf('## Architecture') + 1));
    const table = section.split('\n').filter((line) => line.startsWith('|'));
    const named = new Set(table.flatMap((row) => [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    const folders = [
      ...readdirSync(path.join(ROOT, 'src'))
        .filter((d) => statSync(path.join(ROOT, 'src', d)).isDirectory())
        .map((d) => `src/${d}/`),
      'activities/',
      'workflows/',
      'src/config.ts',
    ];
    const missing = folders.filter((f) => ![...named].some((n) => n === f || n.startsWith(f)));
    expect(missing).toEqual([]);
  });
});
