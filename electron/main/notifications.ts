// The only lines between Electron's `Notification` and the notice planner (notification-plan.ts).
import { Notification } from 'electron';
import type { NativeImage } from 'electron';
import { NOTIFICATION_GROUP_ID } from './notification-plan.ts';
import type { NotificationSpec } from './notification-plan.ts';

/**
 * A function that shows one planned notification; clicking it calls `onClick` (show the window).
 * Shown notifications are kept referenced until clicked or closed, so their `click` listener is not
 * garbage-collected while they sit in the notification centre. Does nothing where the OS has no
 * notifications (`Notification.isSupported()`).
 */
export function createNotificationShower(options: {
  onClick: () => void;
  /** Shown beside the text where the OS uses it (Linux); macOS and Windows use the app's icon. */
  icon?: NativeImage;
}): (spec: NotificationSpec) => void {
  const live = new Set<Notification>();
  return (spec) => {
    if (!Notification.isSupported()) {
      return;
    }
    const notification = new Notification({
      id: spec.id,
      groupId: NOTIFICATION_GROUP_ID,
      title: spec.title,
      body: spec.body,
      ...(options.icon === undefined ? {} : { icon: options.icon }),
    });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.onClick();
    });
    notification.on('close', () => {
      live.delete(notification);
    });
    notification.on('failed', () => {
      live.delete(notification);
    });
    notification.show();
  };
}
