import { lazy, Suspense, useEffect, useState } from 'react';
import { onUnauthorized, tokenStore } from './api.ts';
import { Loading } from './components/ui.tsx';
import { Link, useLocation } from './router.tsx';

// Every page is its own chunk so the first load stays small (graph and charts libraries are heavy).
const Overview = lazy(() => import('./pages/Overview.tsx'));
const Assets = lazy(() => import('./pages/Assets.tsx'));
const AssetGraphPage = lazy(() => import('./pages/AssetGraphPage.tsx'));
const AssetDetail = lazy(() => import('./pages/AssetDetail.tsx'));
const Runs = lazy(() => import('./pages/Runs.tsx'));
const RunDetail = lazy(() => import('./pages/RunDetail.tsx'));
const Launchpad = lazy(() => import('./pages/Launchpad.tsx'));
const Automation = lazy(() => import('./pages/Automation.tsx'));
const Alerts = lazy(() => import('./pages/Alerts.tsx'));
const Library = lazy(() => import('./pages/Library.tsx'));
const Ask = lazy(() => import('./pages/Ask.tsx'));
const Subscriptions = lazy(() => import('./pages/Subscriptions.tsx'));

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/assets', 'Assets'],
  ['/runs', 'Runs'],
  ['/launchpad', 'Launchpad'],
  ['/automation', 'Sensors & Schedules'],
  ['/alerts', 'Alerts'],
  ['/library', 'Library'],
  ['/subscriptions', 'Subscriptions'],
  ['/ask', 'Ask'],
];

function route(path: string) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined:
      return <Overview />;
    case 'assets':
      if (parts[1] === undefined) return <Assets />;
      if (parts[1] === '~graph') return <AssetGraphPage />;
      return <AssetDetail assetKey={parts[1]} />;
    case 'runs':
      return parts[1] ? <RunDetail runId={parts[1]} /> : <Runs />;
    case 'launchpad':
      return <Launchpad />;
    case 'automation':
      return <Automation />;
    case 'alerts':
      return <Alerts />;
    case 'library':
      return <Library videoId={parts[1] ?? null} />;
    case 'subscriptions': {
      const id = parts[1] === undefined ? null : Number(parts[1]);
      return <Subscriptions selected={id !== null && Number.isInteger(id) && id > 0 ? id : null} />;
    }
    case 'ask':
      return <Ask />;
    default:
      return (
        <div className="state empty">
          No page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
        </div>
      );
  }
}

type Theme = 'light' | 'dark' | 'system';

function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem('llm-rag-yt.theme') as Theme) ?? 'system',
  );
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
    localStorage.setItem('llm-rag-yt.theme', theme);
  }, [theme]);
  return [theme, setTheme];
}

function TokenPrompt({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState('');
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        onSubmit={(e) => {
          e.preventDefault();
          tokenStore.set(value.trim());
          onDone();
        }}
      >
        <h2>API token needed</h2>
        <p>This server requires an API token. Ask the operator for one (it is set in API_TOKENS).</p>
        <label>
          Token
          <input type="password" value={value} onChange={(e) => setValue(e.target.value)} required />
        </label>
        <button type="submit" className="primary">
          Save token
        </button>
      </form>
    </div>
  );
}

export function App() {
  const { path } = useLocation();
  const [theme, setTheme] = useTheme();
  const [needToken, setNeedToken] = useState(false);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => onUnauthorized(() => setNeedToken(true)), []);
  const active = (to: string) => (to === '/' ? path === '/' : path.startsWith(to));
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">llm-rag-yt</div>
        <ul>
          {NAV.map(([to, label]) => (
            <li key={to}>
              <Link to={to} className={active(to) ? 'active' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <label>
            Theme{' '}
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)} aria-label="Theme">
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          {tokenStore.get() && (
            <button
              type="button"
              className="link"
              onClick={() => {
                tokenStore.clear();
                location.reload();
              }}
            >
              Forget token
            </button>
          )}
        </div>
      </nav>
      <main id="main" key={epoch}>
        <Suspense fallback={<Loading what="Loading page" />}>{route(path)}</Suspense>
      </main>
      {needToken && (
        <TokenPrompt
          onDone={() => {
            setNeedToken(false);
            setEpoch((e) => e + 1);
          }}
        />
      )}
    </div>
  );
}
