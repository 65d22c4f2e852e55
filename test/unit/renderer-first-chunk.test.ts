/**
 * What the renderer's first render loads: the modules main.tsx imports statically (not `import type`,
 * not `import()`) must not import zod. The shared constants the views need live in zod-free modules
 * (shared/fleet-status.ts, topic-patch.ts, …); a view importing one from a schema module would put
 * zod's 92 kB and the schemas' construction back into the first render (docs/benchmarks.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/agents.js';

/** Static value imports and re-exports of a module: `import x from`, `import { a } from`, `export { a } from`, `import './x'`. */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/g;
  for (const match of source.matchAll(pattern)) if (!match[2]) found.push(match[3] as string);
  return found;
}

function resolveModule(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Every module reachable from `entry` by static imports, and the packages each imports. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (graph.has(file)) continue;
    const specifiers = staticImports(readFileSync(file, 'utf8'));
    graph.set(file, specifiers.filter((specifier) => !specifier.startsWith('.')));
    for (const specifier of specifiers) {
      const next = resolveModule(file, specifier);
      if (next) pending.push(next);
    }
  }
  return graph;
}

describe('renderer first chunk', () => {
  it('reads static imports, skipping type-only ones', () => {
    expect(staticImports("import { a } from './a.js';\nimport type { B } from './b.js';\nexport { c } from './c.js';\nimport './d.css';\nexport type { E } from './e.js';\nimport {\n  f,\n  type G,\n} from 'zod';")).toEqual(['./a.js', './c.js', './d.css', 'zod']);
  });

  it('loads no module that imports zod before the first render', () => {
    const graph = staticGraph(resolve(REPO_ROOT, 'renderer/src/main.tsx'));
    expect(graph.size).toBeGreaterThan(30);
    expect([...graph.keys()].some((file) => file.endsWith('shared/topic-patch.ts'))).toBe(true);
    const withZod = [...graph].filter(([, packages]) => packages.some((name) => name === 'zod' || name.startsWith('zod/'))).map(([file]) => relative(REPO_ROOT, file));
    expect(withZod).toEqual([]);
  });
});
