import { useCallback, useState } from 'react';
import { AddLocationDialog } from '../add-location/AddLocationDialog';
import { TopologyView } from '../topology/TopologyView';
import { useConsoleLink, useFleetCounts } from '../../store/store';

export function App() {
  const [adding, setAdding] = useState(false);
  const closeAdd = useCallback(() => setAdding(false), []);
  const counts = useFleetCounts();
  const link = useConsoleLink();
  return (
    <div className="frame">
      <header className="titlebar">
        <span className="brand">Floe</span>
      </header>
      {link.state === 'lost' || link.state === 'refused' ? (
        <p className="banner" role="alert">
          {link.state === 'refused' ? `The console refused this page: ${link.detail}` : link.detail}
        </p>
      ) : null}
      <main className="main">
        <TopologyView onAdd={() => setAdding(true)} />
      </main>
      <footer className="statusbar">
        {counts.total} locations · {counts.online} online
      </footer>
      {adding ? <AddLocationDialog onClose={closeAdd} /> : null}
    </div>
  );
}
