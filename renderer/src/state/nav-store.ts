import { create } from 'zustand';

/** The screens of an unlocked vault, in the sidebar's order. */
export const VIEWS = ['keys', 'decode', 'notices', 'activity', 'settings'] as const;
/** One of {@link VIEWS}. */
export type View = (typeof VIEWS)[number];

interface NavState {
  view: View;
  /** A filter another screen asks the key table to apply (a notice's integration, say); consumed once. */
  keysFilter: string | null;
  go: (view: View) => void;
  /** Opens the key table filtered to `term`. */
  showInKeys: (term: string) => void;
  /** The key table took the filter. */
  consumeKeysFilter: () => void;
}

/** Which screen is shown (no router: the app protocol serves files only, so navigation is state). */
export const useNav = create<NavState>((set) => ({
  view: 'keys',
  keysFilter: null,
  go: (view) => set({ view }),
  showInKeys: (term) => set({ view: 'keys', keysFilter: term }),
  consumeKeysFilter: () => set({ keysFilter: null }),
}));
