import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startBridge } from './bridge';
import { App } from './features/frame/App';
import { registerKeyboardShortcuts } from './keyboard';
import { storeActions } from './store/store';
import { readStoredTheme } from './theme';
import './styles.css';

storeActions().themeChosen(readStoredTheme());
startBridge();
registerKeyboardShortcuts();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
