/**
 * The member filter of one saveset's restore, rebuilt in the restore worker from plain data
 * (RestoreSelection): selected roots and the other names of their hard links, and for a
 * point-in-time restore the paths the chain's state assigns to this saveset.
 */
import type { RestoreSelection } from './restore-protocol.js';

/** undefined: every member. Member names arrive without a leading '/' and may end in '/'. */
export function selector(selection: RestoreSelection): ((member: string) => boolean) | undefined {
  const { roots, only } = selection;
  if (roots === null && only === null) return undefined;
  const peers = new Set(selection.peers);
  const allowed = only === null ? null : new Set(only);
  const prefixes = roots?.map((root) => (root.endsWith('/') ? root : `${root}/`)) ?? [];
  return (member) => {
    const path = `/${member.replace(/\/+$/, '')}`;
    if (allowed !== null && !allowed.has(path)) return false;
    if (roots === null) return true;
    return peers.has(path) || roots.some((root, index) => path === root || path.startsWith(prefixes[index] as string));
  };
}
