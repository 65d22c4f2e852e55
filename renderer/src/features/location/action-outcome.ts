import { ConsoleCallError } from '../../bridges/call-error';

/** What the last action said: done, refused by a monitor token, or failed with the agent's message. */
export type ActionOutcome = { readonly kind: 'done'; readonly text: string } | { readonly kind: 'refused' | 'error'; readonly text: string; readonly code: string };

export function outcomeOfError(caught: unknown): ActionOutcome {
  if (caught instanceof ConsoleCallError || (caught instanceof Error && 'code' in caught && typeof caught.code === 'string')) {
    const code = (caught as Error & { code: string }).code;
    if (code === 'FORBIDDEN') {
      return { kind: 'refused', code, text: `Refused: this location is connected with a monitor token, which can look but not act. Add it again with an admin token to use device actions. (${caught.message})` };
    }
    return { kind: 'error', code, text: caught.message };
  }
  return { kind: 'error', code: 'INTERNAL', text: caught instanceof Error ? caught.message : String(caught) };
}
