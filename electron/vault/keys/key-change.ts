/**
 * What one change to integrations or keys touched. The lifecycle emits one after every change it
 * commits; the read models (the key table, the integration search index) then update only those
 * integrations' rows instead of rebuilding from all 100k (docs/targets.md, `table-filter-after-change`),
 * and the scheduler re-plans.
 */
export interface KeyChange {
  /**
   * Every integration whose own row, or any of whose keys, was created, changed or deleted by the
   * change (a deleted integration is listed too: its rows go). Each id at most once.
   */
  readonly integrationIds: readonly string[];
}

/** Called after a change has been committed. */
export type KeyChangeListener = (change: KeyChange) => void;

/** A change that touched these integrations (duplicates dropped). */
export function keyChange(integrationIds: Iterable<string>): KeyChange {
  return { integrationIds: [...new Set(integrationIds)] };
}
