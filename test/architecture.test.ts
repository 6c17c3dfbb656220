import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules of ARCHITECTURE.md, measured on the source: what a reviewer would check by
 * hand on every change, failing here instead.
 */

const ROOT = path.resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .sort();
}

const sources = filesUnder('src').filter((file) => !file.endsWith('.d.ts'));
const tests = filesUnder('test');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The repository paths a file imports by relative path (`.js` specifiers mapped to `.ts`). */
function importsOf(file: string): string[] {
  const specifiers = [...read(file).matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)];
  return specifiers.map((match) =>
    path.join(path.dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')),
  );
}

/** `src/feed/worker.ts` → `feed`; `src/app.ts` → `app`. */
function partOf(file: string): string {
  const [first = ''] = path.relative('src', file).split(path.sep);
  return first.replace(/\.ts$/, '');
}

/** A circle in a directed graph, as the parts on it, or `undefined`. */
function findCircle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node];
    if (state.get(node) === 'done') return undefined;
    state.set(node, 'open');
    trail.push(node);
    for (const next of edges.get(node) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    trail.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const circle = visit(node);
    if (circle) return circle;
  }
  return undefined;
}

const COMMANDS = [
  'C2C.CallbackAfterMsgWithDraw',
  'Group.CallbackAfterRecallMsg',
  'OfficialAccount.CallbackAfterMsgWithDraw',
  'OfficialAccount.CallbackAfterSendMsg',
];

describe('the layout of src/', () => {
  it('has no circle between its top-level parts', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of sources) {
      for (const target of importsOf(file)) {
        if (!target.startsWith(`src${path.sep}`)) continue;
        const [from, to] = [partOf(file), partOf(target)];
        if (from === to) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.size).toBeGreaterThan(5);
    expect(findCircle(edges)).toBeUndefined();
  });

  it('finds a circle when there is one (the check can fail)', () => {
    const edges = new Map([
      ['feed', new Set(['slack'])],
      ['slack', new Set(['recall'])],
      ['recall', new Set(['feed'])],
    ]);
    expect(findCircle(edges)).toEqual(['feed', 'slack', 'recall', 'feed']);
  });

  it.each(COMMANDS)('names %s in exactly one module, its kind', (command) => {
    const naming = sources.filter((file) => read(file).includes(`'${command}'`));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toMatch(/^src\/kinds\//);
  });

  it('switches on CallbackCommand nowhere', () => {
    const switching = sources.filter((file) =>
      /switch\s*\([^)]*CallbackCommand\)/.test(read(file)),
    );
    expect(switching).toEqual([]);
  });

  it('has no file over 300 lines', () => {
    const long = sources
      .map((file) => ({ file, lines: read(file).split('\n').length - 1 }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('has at least 90 % of its modules imported by a test', () => {
    const imported = new Set(tests.flatMap(importsOf));
    const untested = sources.filter((file) => !imported.has(file));
    expect(
      untested.length / sources.length,
      `not imported by a test: ${untested.join(', ')}`,
    ).toBeLessThanOrEqual(0.1);
  });
});
