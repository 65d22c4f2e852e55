import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

export interface VirtualRowsProps {
  readonly count: number;
  readonly rowHeight: number;
  readonly renderRow: (index: number) => ReactNode;
  readonly className?: string;
  readonly label?: string;
  readonly role?: string;
  /** Rendered above the rows, inside the scroll area (e.g. a sticky table header). */
  readonly header?: ReactNode;
}

/** A scroll area that renders only the rows in view (fixed row height). */
export function VirtualRows({ count, rowHeight, renderRow, className, label, role, header }: Readonly<VirtualRowsProps>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 6 });
  return (
    <div ref={scrollRef} className={`virtual ${className ?? ''}`} role={role} aria-label={label} aria-rowcount={role === 'table' || role === 'grid' ? count : undefined}>
      {header}
      <div className="virtual-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} className="virtual-row" style={{ height: item.size, transform: `translateY(${item.start}px)` }}>
            {renderRow(item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
