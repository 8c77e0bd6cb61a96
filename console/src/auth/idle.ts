import { session } from './session.ts';

/** Signed out after this long without a key press, click, touch or scroll. */
export const IDLE_SIGN_OUT_MS = 15 * 60_000;
const EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/** Starts the idle timer for the signed-in session; returns the function that stops it. */
export function watchIdle(ms = IDLE_SIGN_OUT_MS): () => void {
  let timer = setTimeout(expire, ms);
  function expire() {
    void session.signOut('idle');
  }
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(expire, ms);
  };
  for (const e of EVENTS) window.addEventListener(e, reset, { passive: true });
  return () => {
    clearTimeout(timer);
    for (const e of EVENTS) window.removeEventListener(e, reset);
  };
}
