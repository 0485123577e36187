import { create } from 'zustand';

interface ClipboardState {
  /** What was copied last ("Secret for Payments"), while a countdown or its outcome is shown. */
  label: string | null;
  /** When main will clear the clipboard (epoch ms), or null: not counting (never, or done). */
  clearAt: number | null;
  /** The last outcome main reported. */
  outcome: 'copied' | 'cleared' | 'left-alone' | null;
  /** The clipboard could not be read or cleared at the end (so "left alone" was not the user's doing). */
  failed: boolean;
  /** Seconds from the copy to the clear, as announced once (the visible countdown is not re-announced). */
  announcedSeconds: number | null;
  copied: (label: string, clearAt: number | null) => void;
  changed: (kind: 'copied' | 'cleared' | 'left-alone', clearAt: number | null, failed: boolean) => void;
  dismiss: () => void;
}

/**
 * The clipboard countdown. Main owns the clipboard and the timer; this store only mirrors
 * `clipboard.changed` events and the copy calls' answers. It never holds what was copied.
 */
export const useClipboard = create<ClipboardState>((set) => ({
  label: null,
  clearAt: null,
  outcome: null,
  failed: false,
  announcedSeconds: null,
  copied: (label, clearAt) =>
    set({
      label,
      clearAt,
      outcome: 'copied',
      failed: false,
      announcedSeconds: clearAt === null ? null : Math.max(0, Math.round((clearAt - Date.now()) / 1000)),
    }),
  changed: (kind, clearAt, failed) =>
    set((state) => ({
      outcome: kind,
      clearAt: kind === 'copied' ? clearAt : null,
      failed,
      label: state.label,
    })),
  dismiss: () => set({ label: null, clearAt: null, outcome: null, failed: false, announcedSeconds: null }),
}));
