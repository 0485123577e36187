import { useEffect } from 'react';
import { ReauthDialog } from './reauth/ReauthDialog.tsx';
import { CreateVaultScreen } from './screens/vault/CreateVaultScreen.tsx';
import { UnlockScreen } from './screens/vault/UnlockScreen.tsx';
import { Shell } from './shell/Shell.tsx';
import { Toasts } from './shell/Toasts.tsx';
import { useActivityReports, useAppEvents } from './shell/use-app-events.ts';
import { useTheme } from './shell/use-theme.ts';
import { useVault } from './state/vault-store.ts';
import { ErrorState, Loading } from './ui/States.tsx';

/** The app: create the vault, unlock it, or the unlocked shell — plus the dialogs and toasts over all. */
export function App() {
  const status = useVault((state) => state.status);
  const loadError = useVault((state) => state.loadError);
  const refresh = useVault((state) => state.refresh);
  useAppEvents();
  useTheme();
  useActivityReports(status?.state === 'unlocked');

  useEffect(() => {
    void refresh();
  }, [refresh]);

  let body;
  if (status === null) {
    body =
      loadError === null ? (
        <main className="gate">
          <Loading label="Opening Keyward…" />
        </main>
      ) : (
        <main className="gate">
          <ErrorState message={loadError} onRetry={() => void refresh()} />
        </main>
      );
  } else if (!status.exists) {
    body = <CreateVaultScreen status={status} />;
  } else if (status.state === 'locked') {
    body = <UnlockScreen status={status} />;
  } else {
    body = <Shell />;
  }
  return (
    <>
      {body}
      {status?.state === 'unlocked' && <ReauthDialog />}
      <Toasts />
    </>
  );
}
