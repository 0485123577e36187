import { create } from 'zustand';
import { call } from '../api/api.ts';

interface NoticesState {
  unread: number;
  refresh: () => Promise<void>;
}

/** The unread-notice count the sidebar shows; refreshed on unlock and on `notices.fired`. */
export const useNoticeCount = create<NoticesState>((set) => ({
  unread: 0,
  refresh: async () => {
    const unread = await call('notices.list', { unreadOnly: true, limit: 1000 });
    set({ unread: unread.length });
  },
}));
