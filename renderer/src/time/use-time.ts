import { useEffect, useState } from 'react';
import { formatDuration, formatRelative, formatTimestamp } from '../../../shared/time/format-time.ts';
import { useSettings } from '../state/settings-store.ts';

/** How the UI shows time, following the ISO 8601 UTC setting (one toggle changes every screen). */
export interface TimeFormat {
  utc: boolean;
  /** An instant: `2026-11-23T12:44:11Z` (UTC) or `2026-11-23T13:44:11+01:00` (local). */
  at: (epochMs: number) => string;
  /** Relative to `now`: `in 3 d 4 h`, `2 h ago`. */
  relative: (epochMs: number, now: number) => string;
  /** A span: `3 d 4 h`. */
  duration: (ms: number) => string;
}

/** The time format of the current settings. */
export function useTimeFormat(): TimeFormat {
  const utc = useSettings((state) => state.settings.utc);
  return {
    utc,
    at: (epochMs) => formatTimestamp(epochMs, { utc }),
    relative: formatRelative,
    duration: formatDuration,
  };
}

/** The current time, refreshed every `intervalMs` (for "expires in" and countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
