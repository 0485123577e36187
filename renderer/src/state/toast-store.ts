import { create } from 'zustand';

/** A short message in the corner: what just happened, or what went wrong. */
export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
}

interface ToastState {
  toasts: Toast[];
  push: (kind: Toast['kind'], message: string) => void;
  dismiss: (id: number) => void;
}

const TOAST_MS = 6000;
let nextId = 1;

/** Toasts (announced through an aria-live region). Never key material: callers pass plain messages. */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push: (kind, message) => {
    const id = nextId++;
    set((state) => ({ toasts: [...state.toasts.slice(-3), { id, kind, message }] }));
    window.setTimeout(() => get().dismiss(id), TOAST_MS);
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));

/** Shortcut for `useToasts.getState().push`. */
export function toast(kind: Toast['kind'], message: string): void {
  useToasts.getState().push(kind, message);
}
