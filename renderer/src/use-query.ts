import { useCallback, useEffect, useRef, useState } from 'react';

/** A one-off read from the console: loading, its data, or the error message (with the error's code). */
export type QueryState<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly message: string; readonly code: string };

function codeOf(caught: unknown): string {
  return caught instanceof Error && 'code' in caught && typeof caught.code === 'string' ? caught.code : 'INTERNAL';
}

/**
 * Runs `fetcher` when `key` changes (and on `reload`), keeping the last answer on screen while a
 * refetch runs. Answers that arrive after a newer request was made are dropped. `key === null` skips.
 */
export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): QueryState<T> & { reload(): void } {
  const [result, setResult] = useState<QueryState<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setResult((current) => (current.state === 'ok' ? current : { state: 'loading' }));
    fetcherRef
      .current()
      .then((data) => {
        if (ticket === latest.current) setResult({ state: 'ok', data });
      })
      .catch((caught: unknown) => {
        if (ticket === latest.current) setResult({ state: 'error', message: caught instanceof Error ? caught.message : String(caught), code: codeOf(caught) });
      });
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...result, reload };
}
