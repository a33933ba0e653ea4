import { useFormat, useT } from '../i18n/I18n.tsx';
import { TID } from '../testids.ts';

/** What a change would charge or credit, from the server's preview (the code that writes the ledger). */
export interface MoneyPreview {
  total: number;
  currency: string;
  /** Add-ons the change takes along (their lines are in the total). */
  addOns: number;
}

/**
 * The money before Submit: "Submitting charges $X now", "… credits $X", or nothing to pay, with the add-ons
 * the change carries along; a line saying it is being worked out while the preview is on its way.
 */
export function ChangeMoney({ preview, pending }: { preview: MoneyPreview | undefined; pending: boolean }) {
  const t = useT();
  const f = useFormat();
  if (!preview && !pending) return null;
  return (
    <p className="change-money" role="status" data-testid={TID.changeMoney}>
      {!preview
        ? t('money.pending')
        : preview.total > 0
          ? t('money.charge', { amount: f.money(preview.total, preview.currency) })
          : preview.total < 0
            ? t('money.credit', { amount: f.money(-preview.total, preview.currency) })
            : t('money.none')}
      {preview && preview.addOns > 0 && ` ${t('money.withAddOns', { count: preview.addOns })}`}
    </p>
  );
}
