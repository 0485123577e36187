import { useEffect } from 'react';
import { call } from '../api/api.ts';
import { errorMessage } from '../api/ipc-error.ts';
import { ActivityScreen } from '../screens/activity/ActivityScreen.tsx';
import { DecodeScreen } from '../screens/decode/DecodeScreen.tsx';
import { KeysScreen } from '../screens/keys/KeysScreen.tsx';
import { NoticesScreen } from '../screens/notices/NoticesScreen.tsx';
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx';
import { useNav, VIEWS } from '../state/nav-store.ts';
import type { View } from '../state/nav-store.ts';
import { useNoticeCount } from '../state/notices-store.ts';
import { useSettings } from '../state/settings-store.ts';
import { useSync } from '../state/sync-store.ts';
import { toast } from '../state/toast-store.ts';
import { useVault } from '../state/vault-store.ts';
import { ClipboardStatus } from './ClipboardStatus.tsx';
import { SyncStatusBadge } from './SyncStatusBadge.tsx';

const LABELS: Record<View, string> = {
  keys: 'Keys',
  decode: 'Decode',
  notices: 'Notices',
  activity: 'Activity',
  settings: 'Settings',
};

function Screen(props: { view: View }) {
  switch (props.view) {
    case 'keys':
      return <KeysScreen />;
    case 'decode':
      return <DecodeScreen />;
    case 'notices':
      return <NoticesScreen />;
    case 'activity':
      return <ActivityScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

/**
 * The unlocked app: sidebar, top bar (clipboard countdown, server sync status, lock) and the current
 * screen.
 * Keyboard: Alt+1…5 switch screens, Ctrl/Cmd+L locks.
 */
export function Shell() {
  const view = useNav((state) => state.view);
  const go = useNav((state) => state.go);
  const unread = useNoticeCount((state) => state.unread);
  const setStatus = useVault((state) => state.setStatus);

  useEffect(() => {
    useSettings
      .getState()
      .load()
      .catch((error: unknown) => toast('error', errorMessage(error)));
    useNoticeCount
      .getState()
      .refresh()
      .catch(() => undefined);
    // Then kept live by main's `sync.status` event (use-app-events.ts).
    useSync
      .getState()
      .refresh()
      .catch(() => undefined);
  }, []);

  const lock = () => {
    call('vault.lock', {}).then(
      (status) => {
        useVault.getState().lockedBy('manual');
        setStatus(status);
      },
      (error: unknown) => toast('error', errorMessage(error)),
    );
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Not under a modal dialog: switching screens would unmount what the dialog belongs to.
      const modalOpen = document.querySelector('dialog[open]') !== null;
      if (event.altKey && !modalOpen && !event.ctrlKey && !event.metaKey && /^[1-5]$/.test(event.key)) {
        const next = VIEWS[Number(event.key) - 1];
        if (next !== undefined) {
          event.preventDefault();
          go(next);
        }
      } else if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        lock();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="sidebar__brand">
          <img src="./keyward-mark.svg" alt="" width={24} height={24} />
          <span>Keyward</span>
        </div>
        <ul className="sidebar__list">
          {VIEWS.map((item, index) => (
            <li key={item}>
              <button
                type="button"
                className="sidebar__item"
                aria-current={view === item ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${index + 1}`}
                onClick={() => go(item)}
              >
                <span>{LABELS[item]}</span>
                {item === 'notices' && unread > 0 && (
                  <span className="badge" aria-label={`${unread} unread`}>
                    {unread}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="shell__body">
        <header className="topbar">
          <ClipboardStatus />
          <div className="topbar__spacer" />
          <SyncStatusBadge />
          <button type="button" className="button" onClick={lock} aria-keyshortcuts="Control+L">
            Lock
          </button>
        </header>
        <main id="main" className="shell__main" tabIndex={-1}>
          <Screen view={view} />
        </main>
      </div>
    </div>
  );
}
