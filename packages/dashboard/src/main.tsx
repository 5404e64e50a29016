import { render } from 'preact';
import { App } from './app';
import './styles.css';

/**
 * Where the API is: config.json beside index.html (written at deploy time, e.g. by Terraform) may name
 * it; otherwise the API is this page's own server (the local stack serves both).
 */
const loadConfig = async (): Promise<{ apiBaseUrl: string }> => {
  try {
    const res = await fetch('./config.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return { apiBaseUrl: '' };
    const c = (await res.json()) as { apiBaseUrl?: unknown };
    return { apiBaseUrl: typeof c.apiBaseUrl === 'string' ? c.apiBaseUrl : '' };
  } catch {
    return { apiBaseUrl: '' };
  }
};

const root = document.getElementById('app');
if (root) {
  void loadConfig().then((config) => {
    root.textContent = '';
    render(<App defaultApiBase={config.apiBaseUrl} />, root);
  });
}
