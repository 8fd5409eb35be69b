import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { initialLang, loadDictionary } from './i18n/i18n';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/screens.css';
import './styles/small-screens.css';
import './styles/a11y.css';

// Someone who chose English gets it from the first paint (the dictionary is a small lazy chunk).
void loadDictionary(initialLang())
  .catch(() => {})
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
