import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { prefetch } from './api.ts';
import './styles.css';

// Pages whose data is big enough to matter ask for it now, in parallel with their lazy code chunk.
if (location.pathname === '/assets/~graph') prefetch('/api/asset-graph');

createRoot(document.getElementById('root')!).render(<App />);
