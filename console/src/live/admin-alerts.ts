import { useEffect, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../api/client.ts';
import { session } from '../auth/session.ts';

type Notification = Schemas['Notification'];
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

export interface AdminAlert {
  position: string;
  notification: Notification;
}

/**
 * The staff's ADMIN_ALERT notifications as they are written (the WebSocket
 * /ws/notifications, same origin, the in-memory access token in its query).
 * Reconnects after a drop with `from_position` of the last frame, so nothing is
 * missed or doubled; each reconnect takes the current (silently refreshed) token.
 */
export function useAdminAlerts(onAlert: (alert: AdminAlert) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onAlert);
  handler.current = onAlert;
  useEffect(() => {
    let ws: WebSocket | undefined;
    let last: string | undefined;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    const open = () => {
      const token = session.accessToken();
      if (!token || stopped) return setState('off');
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const query = new URLSearchParams({ token, ...(last ? { from_position: last } : {}) });
      ws = new WebSocket(`${scheme}://${location.host}/ws/notifications?${query}`);
      ws.onmessage = (m) => {
        const frame = JSON.parse(String(m.data)) as { type: string; position?: string; notification?: Notification };
        if (frame.type === 'connection_established') {
          attempts = 0;
          last ??= frame.position;
          setState('live');
        }
        if (frame.type === 'notification' && frame.position && frame.notification) {
          last = frame.position;
          if (frame.notification.notification_type === 'ADMIN_ALERT') handler.current({ position: frame.position, notification: frame.notification });
        }
      };
      ws.onclose = () => {
        if (stopped) return;
        setState('reconnecting');
        attempts += 1;
        retry = setTimeout(open, Math.min(30_000, 500 * 2 ** Math.min(attempts, 6)));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, []);
  return state;
}
