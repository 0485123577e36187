/** What the preload exposes today (the typed bridge replaces it with the UI issue). */
interface PlaceholderBridge {
  readonly version?: string;
}

function appVersion(): string | undefined {
  const bridge = (window as Window & { keyward?: PlaceholderBridge }).keyward;
  return typeof bridge?.version === 'string' ? bridge.version : undefined;
}

/** The placeholder screen shown until the vault UI lands. */
export function App() {
  const version = appVersion();
  return (
    <main className="placeholder">
      <section className="placeholder__card" aria-labelledby="app-title">
        <img className="placeholder__mark" src="./keyward-mark.svg" alt="" width={64} height={64} />
        <h1 id="app-title" className="placeholder__title">
          Keyward
        </h1>
        <p className="placeholder__lead">The vault UI arrives in the next release.</p>
        <p className="placeholder__hint">
          Meanwhile the <code>keyward</code> command works on the same vault: <code>npx keyward --help</code>
        </p>
        {version !== undefined && <p className="placeholder__version">Version {version}</p>}
      </section>
    </main>
  );
}
