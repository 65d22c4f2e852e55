/** A saveset's tree, one directory page at a time (savesetBrowse with after/next), and a search. */
import { useEffect, useState, type FormEvent } from 'react';
import type { FileRecord } from '../../../../../shared/engine';
import { consoleApi } from '../../../bridge';
import { VirtualRows } from '../../../components/VirtualRows';
import { formatBytes, formatDateTime } from '../../../format';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';
import { baseName, breadcrumbs } from './restore-model';

export const BROWSE_PAGE = 500;
const SEARCH_LIMIT = 500;

export interface FileBrowserProps {
  readonly locationId: string;
  readonly saveset: string;
  readonly start: string;
  readonly ticked: ReadonlySet<string>;
  onToggle(path: string): void;
}

interface Listing {
  readonly dir: string;
  readonly entries: readonly FileRecord[];
  readonly next: string | null;
  readonly loading: boolean;
  readonly failure: ActionOutcome | null;
}

const TYPE_GLYPH: Readonly<Record<FileRecord['type'], string>> = { directory: '▸', file: '·', symlink: '↪', hardlink: '⇉', other: '◇' };

function EntryRow({ entry, ticked, onToggle, onOpen, fullPath }: Readonly<{ entry: FileRecord; ticked: boolean; onToggle(path: string): void; onOpen(dir: string): void; fullPath: boolean }>) {
  const shown = fullPath ? entry.path : entry.name;
  return (
    <div className={`entry-row${ticked ? ' ticked' : ''}${entry.deleted ? ' deleted' : ''}`} role="row" data-path={entry.path}>
      <span role="cell">
        <input type="checkbox" checked={ticked} onChange={() => onToggle(entry.path)} aria-label={`Select ${entry.path}`} />
      </span>
      <span role="cell" className="entry-name" title={entry.path}>
        <span className="muted" aria-hidden="true">
          {TYPE_GLYPH[entry.type]}{' '}
        </span>
        {entry.type === 'directory' ? (
          <button type="button" className="link" onClick={() => onOpen(entry.path)} aria-label={`Open ${entry.path}`}>
            {shown}
          </button>
        ) : (
          <span>{shown}</span>
        )}
        {entry.deleted ? <span className="muted"> (deleted)</span> : null}
        {entry.linkTarget ? <span className="muted"> → {entry.linkTarget}</span> : null}
      </span>
      <span role="cell" className="num">
        {entry.type === 'directory' ? '' : formatBytes(entry.size)}
      </span>
      <span role="cell">{entry.mtime > 0 ? formatDateTime(new Date(entry.mtime * 1000).toISOString()) : '—'}</span>
    </div>
  );
}

export function FileBrowser({ locationId, saveset, start, ticked, onToggle }: Readonly<FileBrowserProps>) {
  const [listing, setListing] = useState<Listing>({ dir: start, entries: [], next: null, loading: true, failure: null });
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ text: string; entries: readonly FileRecord[] } | null>(null);
  const [searching, setSearching] = useState(false);

  const read = (dir: string, after: string | null, previous: readonly FileRecord[]): void => {
    setListing({ dir, entries: previous, next: after, loading: true, failure: null });
    consoleApi()
      .savesetBrowse({ id: locationId, args: { id: saveset, dir, ...(after ? { after } : {}), limit: BROWSE_PAGE } })
      .then((page) => setListing({ dir, entries: [...previous, ...page.entries], next: page.next, loading: false, failure: null }))
      .catch((caught: unknown) => setListing({ dir, entries: previous, next: after, loading: false, failure: outcomeOfError(caught) }));
  };
  useEffect(() => {
    setResults(null);
    read(start, null, []);
    // A new saveset or start directory begins a new listing.
  }, [locationId, saveset, start]);

  const search = (event: FormEvent): void => {
    event.preventDefault();
    const text = query.trim();
    if (!text) {
      setResults(null);
      return;
    }
    setSearching(true);
    consoleApi()
      .savesetSearch({ id: locationId, args: { id: saveset, text, limit: SEARCH_LIMIT } })
      .then((entries) => setResults({ text, entries }))
      .catch((caught: unknown) => setListing((current) => ({ ...current, failure: outcomeOfError(caught) })))
      .finally(() => setSearching(false));
  };

  const shown = results ? results.entries : listing.entries;
  const crumbs = breadcrumbs(start, listing.dir);
  return (
    <section className="card file-browser" aria-label="Files">
      <div className="browser-bar">
        <nav className="crumbs" aria-label="Directory">
          {results ? (
            <span>
              {results.entries.length === SEARCH_LIMIT ? `first ${SEARCH_LIMIT}` : results.entries.length} matches for “{results.text}”{' '}
              <button type="button" className="link" onClick={() => setResults(null)}>
                back to {listing.dir}
              </button>
            </span>
          ) : (
            crumbs.map((crumb, index) => (
              <span key={crumb}>
                {index > 0 ? <span className="muted"> / </span> : null}
                {index === crumbs.length - 1 ? (
                  <span className="strong">{index === 0 ? crumb : baseName(crumb)}</span>
                ) : (
                  <button type="button" className="link" onClick={() => read(crumb, null, [])}>
                    {index === 0 ? crumb : baseName(crumb)}
                  </button>
                )}
              </span>
            ))
          )}
        </nav>
        <span className="spacer" />
        <form className="search" role="search" onSubmit={search}>
          <input value={query} onChange={(event) => setQuery(event.target.value)} placeholder="Search file names" aria-label="Search the saveset" maxLength={256} />
          <button type="submit" disabled={searching}>
            {searching ? 'Searching…' : 'Search'}
          </button>
        </form>
      </div>
      <ActionOutcomeLine outcome={listing.failure} />
      {shown.length === 0 && !listing.loading ? <p className="muted">{results ? 'No file names match.' : 'This directory is empty in the saveset.'}</p> : null}
      <VirtualRows
        className="entries"
        role="table"
        label={results ? 'Search results' : `Directory ${listing.dir}`}
        count={shown.length}
        rowHeight={28}
        header={
          <div className="entry-row table-head" role="row">
            <span role="columnheader" aria-label="Selected" />
            <span role="columnheader">Name</span>
            <span role="columnheader" className="num">Size</span>
            <span role="columnheader">Modified</span>
          </div>
        }
        renderRow={(index) => {
          const entry = shown[index];
          return entry ? <EntryRow entry={entry} ticked={ticked.has(entry.path)} onToggle={onToggle} onOpen={(dir) => read(dir, null, [])} fullPath={results !== null} /> : null;
        }}
      />
      {!results ? (
        <div className="action-line">
          <span className="muted">
            {listing.entries.length} entries shown{listing.next ? ', more in this directory' : ''}
          </span>
          {listing.loading ? (
            <span className="muted" role="status">
              Reading…
            </span>
          ) : listing.next ? (
            <button type="button" onClick={() => read(listing.dir, listing.next, listing.entries)}>
              Next {BROWSE_PAGE}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
