import type { ReactNode } from 'react';

export interface EmptyStateProps {
  readonly title: string;
  readonly tone?: 'neutral' | 'error' | 'loading';
  readonly children?: ReactNode;
}

/** A designed empty, loading or error state: a short title and what to do next. */
export function EmptyState({ title, tone = 'neutral', children }: Readonly<EmptyStateProps>) {
  return (
    <div className={`empty-state empty-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}
