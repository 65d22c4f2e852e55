import { useFleetLoaded, useLocationOrder } from '../../store/store';
import { LocationRow } from './LocationRow';

export interface TopologyViewProps {
  readonly onAdd: () => void;
}

/** Every registered location with its one status word; problems first. */
export function TopologyView({ onAdd }: Readonly<TopologyViewProps>) {
  const order = useLocationOrder();
  const loaded = useFleetLoaded();
  return (
    <section className="topology" aria-label="Locations">
      <header className="section-header">
        <h1>Locations</h1>
        <button type="button" className="primary" onClick={onAdd}>
          Add location
        </button>
      </header>
      {!loaded ? (
        <p className="empty">Loading the fleet…</p>
      ) : order.length === 0 ? (
        <p className="empty">
          No locations yet. Run <code>floe-agent init</code> and <code>floe-agent start</code> on a backup server, then choose Add location.
        </p>
      ) : (
        <ul className="location-list">
          {order.map((id) => (
            <LocationRow key={id} id={id} />
          ))}
        </ul>
      )}
    </section>
  );
}
