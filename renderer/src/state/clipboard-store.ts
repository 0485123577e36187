import { create } from 'zustand';

interface ClipboardState {
  /** What was copied last ("Secret for Payments"), while a countdown or its outcome is shown. */
  label: string | null;
  /** When main will clear the clipboard (epoch ms), or null: not counting (never, or done). */
  clearAt: number | null;
  /** The last outcome main reported. */
  outcome: 'copied' | 'cleared' | 'left-alone' | null;
  copied: (label: string, clearAt: number | null) => void;
  changed: (kind: 'copied' | 'cleared' | 'left-alone', clearAt: number | null) => void;
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
  copied: (label, clearAt) => set({ label, clearAt, outcome: 'copied' }),
  changed: (kind, clearAt) =>
    set((state) => ({ outcome: kind, clearAt: kind === 'copied' ? clearAt : null, label: state.label })),
  dismiss: () => set({ label: null, clearAt: null, outcome: null }),
}));
