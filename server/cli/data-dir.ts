import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The default data folder: `$KEYWARD_SERVER_DATA`, else `$XDG_DATA_HOME/keyward-server`, else
 * `~/.local/share/keyward-server`. It holds the embedded database (no key material).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (env.KEYWARD_SERVER_DATA) {
    return resolve(env.KEYWARD_SERVER_DATA);
  }
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return resolve(base, 'keyward-server');
}
