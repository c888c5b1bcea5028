// "Copy summary": puts the plain-text summary on the clipboard for the visit note. Works inside the
// EHR's iframe: the Clipboard API where the frame allows it, else a hidden text area and the copy
// command, else the text shown selected for the clinician to copy by hand. Always says what happened.
import { useRef, useState } from 'react';

type Outcome = { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual' };

async function copyText(text: string, area: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Blocked (an iframe without clipboard-write, or no user activation): try the older way.
  }
  if (!area) return false;
  // Keyboard focus goes back where it was (the button) once the hidden buffer has been copied.
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  area.value = text;
  area.hidden = false;
  area.focus();
  area.select();
  try {
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.hidden = true;
    previous?.focus();
  }
}

export function CopySummary({ text }: { text: string }) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const area = useRef<HTMLTextAreaElement>(null);
  const manual = useRef<HTMLTextAreaElement>(null);
  return (
    <div className="copy-summary">
      <button
        type="button"
        className="button"
        onClick={async () => {
          const ok = await copyText(text, area.current);
          setOutcome(ok ? { kind: 'copied' } : { kind: 'manual' });
          if (!ok) setTimeout(() => manual.current?.select(), 0);
        }}
      >
        Copy summary
      </button>
      <textarea ref={area} hidden readOnly aria-hidden="true" tabIndex={-1} className="copy-buffer" />
      <p className="copy-status" aria-live="polite" data-testid="copy-status">
        {outcome.kind === 'copied' ? 'Summary copied to the clipboard.' : ''}
        {outcome.kind === 'manual' ? 'The browser did not allow copying. The summary is selected below: press Ctrl+C (⌘C on a Mac).' : ''}
      </p>
      {outcome.kind === 'manual' ? (
        <textarea ref={manual} readOnly className="copy-manual" aria-label="Summary for the visit note" rows={8} value={text} />
      ) : null}
    </div>
  );
}
