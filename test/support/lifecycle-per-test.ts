import { afterEach } from 'vitest';
import { makeLifecycle } from './lifecycle-fixture.ts';

/**
 * {@link makeLifecycle} for a vitest file: call it once at the top of the file; every lifecycle the
 * returned maker makes is closed and its folder deleted after the test that made it. (A separate
 * file from lifecycle-fixture.ts, which the benchmarks import outside vitest.)
 */
export function lifecyclesPerTest(): typeof makeLifecycle {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) {
      cleanup();
    }
  });
  return (start) => {
    const made = makeLifecycle(start);
    cleanups.push(made.cleanup);
    return made;
  };
}
