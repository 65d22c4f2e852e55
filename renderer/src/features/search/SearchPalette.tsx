/**
 * Fleet-wide search (Ctrl/⌘+K): one box, results grouped as locations, tasks, media and savesets
 * from every location. ↑/↓ move, Enter opens the location's tab on the item, Esc closes.
 * Everything shown comes from agents and is rendered as text.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHitKind, SearchResult } from '../../../../shared/fleet-search';
import { SEARCH_GROUPS } from '../../../../shared/search-groups';
import { consoleApi, openLocation } from '../../bridge';
import { useActions, useFleetCounts } from '../../store/store';
import { describeHit, flattenResult, GROUP_TITLES, jumpTarget, jumpWords, type SearchOption } from './search-model';

const DEBOUNCE_MS = 150;

type Answer = { readonly state: 'idle' } | { readonly state: 'loading'; readonly last: SearchResult | null } | { readonly state: 'ok'; readonly result: SearchResult } | { readonly state: 'error'; readonly message: string; readonly last: SearchResult | null };

function useSearch(query: string, round: number): Answer {
  const [answer, setAnswer] = useState<Answer>({ state: 'idle' });
  const ticket = useRef(0);
  useEffect(() => {
    const text = query.trim();
    const mine = ++ticket.current;
    if (!text) {
      setAnswer({ state: 'idle' });
      return;
    }
    setAnswer((current) => ({ state: 'loading', last: current.state === 'ok' ? current.result : current.state === 'loading' || current.state === 'error' ? current.last : null }));
    const timer = setTimeout(() => {
      consoleApi()
        .search({ query: text })
        .then((result) => {
          if (mine === ticket.current) setAnswer({ state: 'ok', result });
        })
        .catch((caught: unknown) => {
          if (mine === ticket.current) setAnswer((current) => ({ state: 'error', message: caught instanceof Error ? caught.message : String(caught), last: current.state === 'loading' ? current.last : null }));
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, round]);
  return answer;
}

export function SearchPalette() {
  const actions = useActions();
  const counts = useFleetCounts();
  const [query, setQuery] = useState('');
  const [round, setRound] = useState(0);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const answer = useSearch(query, round);
  const result = answer.state === 'ok' ? answer.result : answer.state === 'loading' || answer.state === 'error' ? answer.last : null;
  const options = useMemo(() => flattenResult(result), [result]);
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));
  const activeOption = options[activeIndex];

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  useEffect(() => setActive(0), [result]);
  useEffect(() => {
    if (!activeOption) return;
    document.getElementById(activeOption.key)?.scrollIntoView?.({ block: 'nearest' });
  }, [activeOption]);

  const choose = (option: SearchOption | undefined): void => {
    if (!option) return;
    const target = jumpTarget(option.hit);
    actions.searchClosed();
    openLocation(target.id, target.tab, target.focus);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      actions.searchClosed();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (options.length > 0) setActive((activeIndex + (event.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length);
    } else if (event.key === 'Home' && event.ctrlKey) {
      event.preventDefault();
      setActive(0);
    } else if (event.key === 'End' && event.ctrlKey) {
      event.preventDefault();
      setActive(Math.max(0, options.length - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(activeOption);
    } else if (event.key === 'Tab') {
      // Modal: Tab cycles through the palette's own controls (the options are reached with the arrows).
      const focusables = [...event.currentTarget.querySelectorAll<HTMLElement>('input, button')];
      const at = focusables.indexOf(document.activeElement as HTMLElement);
      event.preventDefault();
      focusables[(at + (event.shiftKey ? -1 : 1) + focusables.length) % focusables.length]?.focus();
    }
  };

  const total = result ? SEARCH_GROUPS.reduce((sum, kind) => sum + result.groups[kind].total, 0) : 0;
  let position = 0;
  return (
    <div className="dialog-backdrop search-backdrop" onMouseDown={(event) => event.target === event.currentTarget && actions.searchClosed()}>
      <div className="dialog search-palette" role="dialog" aria-modal="true" aria-label="Search the fleet" onKeyDown={onKeyDown}>
        <div className="search-box">
          <span className="search-glyph" aria-hidden="true">
            ⌕
          </span>
          <input
            ref={inputRef}
            type="text"
            role="combobox"
            aria-label="Search locations, tasks, media and savesets"
            aria-expanded={options.length > 0}
            aria-controls="search-results"
            aria-autocomplete="list"
            aria-activedescendant={activeOption?.key}
            placeholder="Search locations, tasks, media labels, savesets…"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            spellCheck={false}
            autoComplete="off"
            maxLength={128}
          />
          <kbd className="muted small">Esc</kbd>
        </div>
        <div className="search-status small" role="status" aria-live="polite">
          {answer.state === 'idle'
            ? `Across ${counts.total} location${counts.total === 1 ? '' : 's'} (${counts.online} online). ↑/↓ choose · Enter opens · Esc closes`
            : answer.state === 'loading'
              ? 'Searching…'
              : answer.state === 'error'
                ? null
                : total === 0
                  ? `Nothing matches “${answer.result.query}”.`
                  : `${total} match${total === 1 ? '' : 'es'}`}
        </div>
        {answer.state === 'error' ? (
          <div className="search-error tone-bad" role="alert">
            Search failed: {answer.message}{' '}
            <button type="button" className="link" onClick={() => setRound((n) => n + 1)}>
              Try again
            </button>
          </div>
        ) : null}
        <div className="search-results" id="search-results" role="listbox" aria-label="Results" ref={listRef}>
          {result
            ? SEARCH_GROUPS.map((kind: SearchHitKind) => {
                const group = result.groups[kind];
                if (group.hits.length === 0) return null;
                return (
                  <div key={kind} role="group" aria-labelledby={`search-group-${kind}`} className="search-group">
                    <div className="search-group-title" id={`search-group-${kind}`} role="presentation">
                      {GROUP_TITLES[kind]}
                      <span className="muted"> {group.total > group.hits.length ? `${group.hits.length} of ${group.total}` : group.total}</span>
                    </div>
                    {group.hits.map((hit) => {
                      const option = options[position];
                      const index = position++;
                      const words = describeHit(hit);
                      const selected = index === activeIndex;
                      return (
                        <div
                          key={option?.key ?? index}
                          id={option?.key}
                          role="option"
                          aria-selected={selected}
                          aria-label={`${GROUP_TITLES[kind].replace(/s$/, '')} ${words.title} at ${hit.location}`}
                          aria-description={jumpWords(hit)}
                          data-kind={kind}
                          className={`search-option${selected ? ' active' : ''}`}
                          onMouseMove={() => index !== activeIndex && setActive(index)}
                          onClick={() => choose(option)}
                        >
                          <span className={`search-kind kind-${kind}`} aria-hidden="true">
                            {kind === 'location' ? '⌂' : kind === 'task' ? '▶' : kind === 'media' ? '▣' : '◷'}
                          </span>
                          <span className="search-title">{words.title}</span>
                          <span className="search-detail muted">{words.detail}</span>
                          {selected ? (
                            <span className="search-enter muted small" aria-hidden="true">
                              ↵ {jumpTarget(hit).tab}
                            </span>
                          ) : null}
                        </div>
                      );
                    })}
                  </div>
                );
              })
            : null}
        </div>
        {result && result.incomplete.length > 0 ? (
          <p className="search-incomplete small tone-warn" aria-label="Not fully searched">
            Not fully searched: {result.incomplete.slice(0, 3).map((gap) => `${gap.location} (${gap.reason})`).join('; ')}
            {result.incomplete.length > 3 ? ` and ${result.incomplete.length - 3} more` : ''}
          </p>
        ) : null}
      </div>
    </div>
  );
}
