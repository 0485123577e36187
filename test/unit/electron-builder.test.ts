// electron-builder.yml cannot be exercised here (packaging downloads the Electron runtime), so it is
// parsed with the YAML parser electron-builder itself uses and validated against electron-builder's
// own configuration schema — a misspelt key fails here, not at release time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// Both are electron-builder's own dependencies (pinned by package-lock.json), loaded the way it loads them.
const require = createRequire(join(root, 'node_modules', 'electron-builder', 'package.json'));
const yaml = require('js-yaml') as { load: (text: string) => unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (config: unknown, debugLogger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[]; desktop?: { entry?: Record<string, string> } };
  mac?: { target?: string; hardenedRuntime?: boolean; entitlements?: string; entitlementsInherit?: string };
  win?: { target?: string };
}

function loadConfig(): BuilderConfig {
  return yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

describe('electron-builder.yml', () => {
  const config = loadConfig();

  it('is accepted by electron-builder’s configuration schema', async () => {
    await expect(validateConfiguration(loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would reject a misspelt fuse (the schema check has teeth)', async () => {
    const broken = loadConfig();
    broken.electronFuses = { ...broken.electronFuses, runAsnode: false };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.keyward.app');
    expect(config.productName).toBe('Keyward');
  });

  it('flips the security fuses for packaged builds', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into asar and keeps the native modules unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/better-sqlite3-multiple-ciphers/**',
        '**/node_modules/argon2/**',
        '**/node_modules/@napi-rs/keyring*/**',
      ]),
    );
  });

  it('ships only the electron-vite output (plus package.json)', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.files?.filter((pattern) => !pattern.startsWith('!'))).toEqual(['out/**', 'package.json']);
  });

  it('targets AppImage + deb, a hardened dmg, and nsis', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.desktop?.entry?.['Name']).toBe('Keyward');
    expect(config.mac?.target).toBe('dmg');
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.entitlements).toBe('resources/entitlements.mac.plist');
    expect(config.win?.target).toBe('nsis');
  });

  it('grants macOS only the JIT entitlement V8 needs', () => {
    const plist = readFileSync(join(root, 'resources', 'entitlements.mac.plist'), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('has a 512×512 PNG icon', () => {
    const png = readFileSync(join(root, 'resources', 'icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
