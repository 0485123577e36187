import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/ipc-error.ts';
import { useSettings } from '../../state/settings-store.ts';
import { useVault } from '../../state/vault-store.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { AboutSection } from './AboutSection.tsx';
import { BackupsSection } from './BackupsSection.tsx';
import { SecretsSection } from './SecretsSection.tsx';
import { ServerSection } from './ServerSection.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { ClipboardSetting } from './ClipboardSetting.tsx';
import { NumberSetting } from './NumberSetting.tsx';
import { RememberDevice } from './RememberDevice.tsx';
import { NUMERIC_FIELDS } from './setting-fields.ts';
import { ThemeSetting } from './ThemeSetting.tsx';
import { TotpSetup } from './TotpSetup.tsx';
import { UtcSetting } from './UtcSetting.tsx';
import './settings.css';

/**
 * Settings (docs/domain-rules.md): every setting of shared/domain/settings.ts with its bounds, checked as you
 * type and saved one field at a time (toggles at once, numbers when you leave the field or press
 * Enter); security (keychain, master password, authenticator), the Keyward server, backups, and
 * about.
 */
export function SettingsScreen() {
  const loaded = useSettings((state) => state.loaded);
  const settings = useSettings((state) => state.settings);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      useSettings
        .getState()
        .load()
        .then(
          () => setLoadError(null),
          (error: unknown) => setLoadError(errorMessage(error)),
        ),
    [],
  );

  useEffect(() => {
    // The shell loads settings on unlock; this covers a failed load. The vault status is refreshed
    // for the keychain and KDF facts (an unlock may have re-wrapped the key with new parameters).
    if (!useSettings.getState().loaded) {
      void load();
    }
    void useVault.getState().refresh();
  }, [load]);

  return (
    <section className="screen settings" aria-labelledby="screen-title">
      <header className="screen__header">
        <h1 id="screen-title">Settings</h1>
        <p className="muted small">Changes are saved as you make them.</p>
      </header>
      {!loaded && loadError === null && <Loading label="Loading settings…" />}
      {!loaded && loadError !== null && <ErrorState message={loadError} onRetry={() => void load()} />}
      {loaded && (
        <>
          <section className="panel settings-section" aria-labelledby="settings-display-title">
            <div className="settings-section__head">
              <h2 id="settings-display-title">Display</h2>
            </div>
            <UtcSetting />
            <ThemeSetting />
          </section>
          <section className="panel settings-section" aria-labelledby="settings-keys-title">
            <div className="settings-section__head">
              <h2 id="settings-keys-title">Keys and notices</h2>
            </div>
            <NumberSetting field={NUMERIC_FIELDS.defaultRotationDays} value={settings.defaultRotationDays} />
            <NumberSetting field={NUMERIC_FIELDS.defaultGraceDays} value={settings.defaultGraceDays} />
            <NumberSetting field={NUMERIC_FIELDS.secretLifetimeHours} value={settings.secretLifetimeHours} />
            <NumberSetting field={NUMERIC_FIELDS.noticeLeadDays} value={settings.noticeLeadDays} />
          </section>
          <section className="panel settings-section" aria-labelledby="settings-security-title">
            <div className="settings-section__head">
              <h2 id="settings-security-title">Security</h2>
            </div>
            <NumberSetting field={NUMERIC_FIELDS.autoLockMinutes} value={settings.autoLockMinutes} />
            <ClipboardSetting />
            <NumberSetting field={NUMERIC_FIELDS.reauthWindowSeconds} value={settings.reauthWindowSeconds} />
            <RememberDevice />
            <TotpSetup />
            <ChangePassword />
          </section>
        </>
      )}
      <ServerSection />
      <BackupsSection />
      <SecretsSection />
      <AboutSection />
    </section>
  );
}
