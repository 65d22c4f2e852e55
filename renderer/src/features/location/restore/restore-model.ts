/** Pure helpers of the Restore tab. */
import type { Saveset, Task } from '../../../../../shared/engine';

/** The deepest directory holding every source: where a task's saveset tree starts. */
export function commonParent(sources: readonly string[]): string {
  const parents = sources.map((source) => {
    const trimmed = source.length > 1 ? source.replace(/\/+$/, '') : source;
    const at = trimmed.lastIndexOf('/');
    return at <= 0 ? [] : trimmed.slice(1, at).split('/');
  });
  const [first = [], ...rest] = parents;
  let depth = first.length;
  for (const parts of rest) {
    let same = 0;
    while (same < Math.min(depth, parts.length) && parts[same] === first[same]) same += 1;
    depth = same;
  }
  return `/${first.slice(0, depth).join('/')}`;
}

/** Where a task's tree starts; "/" when the task is unknown (removed since). */
export function startDirectory(task: string, tasks: readonly Task[] | undefined): string {
  const found = tasks?.find((candidate) => candidate.name === task);
  return found ? commonParent(found.sources) : '/';
}

/** Savesets grouped by task (tasks by name), newest first inside each. */
export function groupSavesets(savesets: readonly Saveset[]): Array<{ readonly task: string; readonly savesets: readonly Saveset[] }> {
  const groups = new Map<string, Saveset[]>();
  for (const saveset of savesets) groups.set(saveset.task, [...(groups.get(saveset.task) ?? []), saveset]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([task, list]) => ({ task, savesets: list.sort((a, b) => b.started.localeCompare(a.started)) }));
}

/** Why a target directory cannot be used, or null. */
export function targetProblem(target: string): string | null {
  if (target.trim() === '') return 'Choose a target directory.';
  if (!target.startsWith('/')) return 'The target must be an absolute path (starting with /).';
  if (target.split('/').includes('..')) return 'The target may not contain "..".';
  return null;
}

/** Where `path` lands under `target`: TARGET/<original path>. */
export function landsAt(target: string, path: string): string {
  return `${target.replace(/\/+$/, '')}${path}`;
}

/** The parent directories from `start` down to `dir` (breadcrumbs); `dir` outside `start` shows just itself. */
export function breadcrumbs(start: string, dir: string): string[] {
  if (dir === start) return [start];
  const prefix = start === '/' ? '/' : `${start}/`;
  if (!dir.startsWith(prefix)) return [dir];
  const parts = dir.slice(prefix.length).split('/');
  return [start, ...parts.map((_, n) => `${prefix}${parts.slice(0, n + 1).join('/')}`)];
}

export const baseName = (path: string): string => (path === '/' ? '/' : (path.split('/').filter(Boolean).at(-1) ?? path));
