import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startBridge } from './bridge';
import { App } from './features/frame/App';
import './styles.css';

startBridge();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
