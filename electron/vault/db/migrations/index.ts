import type { Migration } from '../migration.ts';
import { migration0001 } from './0001-initial.ts';
import { migration0002 } from './0002-keys-and-log.ts';
import { migration0003 } from './0003-backup-failed-notices.ts';
import { migration0004 } from './0004-server-sync.ts';
import { migration0005 } from './0005-outbox-triggers-while-connected.ts';
import { migration0006 } from './0006-publish-signing-key-retirement.ts';

/** Every migration in version order. Add one file per version and list it here. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
];
