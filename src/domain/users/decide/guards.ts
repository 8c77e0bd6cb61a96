import { userNotFound } from '../errors.js';
import type { UserState } from '../state.js';

/** An erased user is gone for every command but erasure itself. */
export function mustExist(state: UserState): void {
  if (!state.exists || state.erased) throw userNotFound();
}
