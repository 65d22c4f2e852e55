import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startBridge } from './bridge';
import { App } from './features/frame/App';
import { registerKeyboardShortcuts } from './keyboard';
import './styles.css';

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
