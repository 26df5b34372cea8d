import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App.jsx';
import { browserStorage } from './lib/storage.js';
import { applyTheme, storedTheme } from './lib/theme.js';
import './index.css';

// Before the first render, so a chosen theme shows from the start.
applyTheme(storedTheme(browserStorage()));

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
