import type { Migration } from '../migration.ts';
import { migration0001 } from './0001-initial.ts';

/** Every migration in version order. Add one file per version and list it here. */
export const MIGRATIONS: readonly Migration[] = [migration0001];
