import { useRef, useState } from 'react';
import { useT } from '../i18n/I18n.tsx';

/**
 * An id a partner reads out or pastes into a support case (subscription, order, customer), with a Copy
 * button. Where the browser refuses the clipboard, the id is selected instead and the partner is told to
 * press the copy keys. The outcome is announced to screen readers.
 */
export function CopyId({ id, what, testId }: { id: string; what: string; testId?: string }) {
  const t = useT();
  const ref = useRef<HTMLElement>(null);
  const [outcome, setOutcome] = useState<'copied' | 'selected'>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setOutcome('copied');
    } catch {
      const node = ref.current;
      const selection = window.getSelection();
      if (node && selection) {
        const range = document.createRange();
        range.selectNodeContents(node);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setOutcome('selected');
    }
  };
  return (
    <span className="copy-id">
      <code className="id" ref={ref} data-testid={testId}>
        {id}
      </code>{' '}
      <button
        type="button"
        className="button-quiet copy-button"
        aria-label={t('copy.label', { what })}
        onClick={() => void copy()}
      >
        {t('copy.button')}
      </button>
      <span className="copy-outcome" role="status">
        {outcome === 'copied' ? t('copy.done') : outcome === 'selected' ? t('copy.selected') : ''}
      </span>
    </span>
  );
}
