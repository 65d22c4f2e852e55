import { useCallback, useEffect, useState } from 'react';
import { AddLocationDialog } from '../add-location/AddLocationDialog';
import { FleetOverview } from '../fleet/FleetOverview';
import { LicenseInfoDialog } from '../license/LicenseInfoDialog';
import { LocationView } from '../location/LocationView';
import { Sidebar } from '../sidebar/Sidebar';
import { useActions, useAlarmsOpen, useConsoleLink, useFleetCounts, useOpenAlarmCount, usePendingChangeCount, useRequestedDialog, useSearchOpen, useSelection, useTheme } from '../../store/store';
import { FleetCalendarView } from '../fleet-calendar/FleetCalendarView';
import { SearchPalette } from '../search/SearchPalette';
import { RemoteServersDialog } from '../remote-servers/RemoteServersDialog';
import { AlarmsDialog } from '../alarms/AlarmsDialog';
import { askNotificationPermission } from '../../alarm-notifier';
import { applyTheme, NEXT_THEME } from '../../theme';
import { formatDay } from '../../format';
import { useNow } from '../../use-now';

/** The search shortcut as this platform writes it. */
const SEARCH_KEY = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘K' : 'Ctrl+K';
const THEME_WORDS = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' } as const;
const THEME_GLYPHS = { system: '◐', light: '☀', dark: '☾' } as const;

function ThemeSwitch() {
  const theme = useTheme();
  const actions = useActions();
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <button type="button" className="icon-button" onClick={() => actions.themeChosen(NEXT_THEME[theme])} aria-label={`${THEME_WORDS[theme]} (switch)`} title={`${THEME_WORDS[theme]} — click to switch`}>
      <span aria-hidden="true">{THEME_GLYPHS[theme]}</span>
    </button>
  );
}

function StatusBar() {
  const counts = useFleetCounts();
  const now = useNow(60_000);
  return (
    <footer className="statusbar">
      {counts.total} locations · {counts.online} online · backup day {formatDay(new Date(now).toISOString())}
    </footer>
  );
}

export function App() {
  const [adding, setAdding] = useState(false);
  const closeAdd = useCallback(() => setAdding(false), []);
  const link = useConsoleLink();
  const selection = useSelection();
  const dialog = useRequestedDialog();
  const actions = useActions();
  const openAlarms = useOpenAlarmCount();
  const alarmsOpen = useAlarmsOpen();
  const searchOpen = useSearchOpen();
  const pendingChanges = usePendingChangeCount();
  const addFromRemoteServers = useCallback(() => {
    actions.dialogClosed();
    setAdding(true);
  }, [actions]);
  return (
    <div className="frame">
      <header className="titlebar">
        <span className="brand">Floe</span>
        <span className="spacer" />
        <button type="button" className="search-button" onClick={actions.searchOpened} aria-keyshortcuts="Control+K Meta+K /" title="Search the fleet (/ or Ctrl/⌘+K)">
          <span aria-hidden="true">⌕</span> Search <kbd>{SEARCH_KEY}</kbd>
        </button>
        <button type="button" className={`quiet alarms-button${openAlarms > 0 ? ' has-alarms' : ''}`} onClick={() => {
            askNotificationPermission();
            actions.alarmsOpened();
          }}>
          Alarms {openAlarms}
        </button>
        <button type="button" className="quiet" onClick={() => actions.dialogRequested('open-remote-servers')} aria-label="Remote servers" title="Configuration → Remote servers">
          Remote servers{pendingChanges > 0 ? <span className="pending-count"> · {pendingChanges} pending</span> : null}
        </button>
        <button type="button" className="quiet" onClick={() => actions.dialogRequested('open-license-info')} title="Alt+L">
          License info
        </button>
        <ThemeSwitch />
      </header>
      {link.state === 'lost' || link.state === 'refused' ? (
        <p className="banner" role="alert">
          {link.state === 'refused' ? `The console refused this page: ${link.detail}` : link.detail}
        </p>
      ) : null}
      <div className="body">
        <Sidebar onAdd={() => setAdding(true)} />
        <main className="main">
          {selection.kind === 'location' ? <LocationView key={selection.id} id={selection.id} tab={selection.tab} focus={selection.focus} /> : selection.kind === 'fleet-calendar' ? <FleetCalendarView /> : <FleetOverview />}
        </main>
      </div>
      <StatusBar />
      {adding ? <AddLocationDialog onClose={closeAdd} /> : null}
      {dialog === 'open-remote-servers' ? <RemoteServersDialog onClose={actions.dialogClosed} onAdd={addFromRemoteServers} /> : null}
      {dialog === 'open-license-info' ? <LicenseInfoDialog onClose={actions.dialogClosed} /> : null}
      {alarmsOpen ? <AlarmsDialog onClose={actions.alarmsClosed} /> : null}
      {searchOpen ? <SearchPalette /> : null}
    </div>
  );
}
