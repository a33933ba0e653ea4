/**
 * The test ids the console's components carry, exported so that the browser tests find elements by the
 * same names (STYLE.md habit 14). Tests prefer roles and labels; these mark what has neither.
 */
export const TID = {
  header: 'app-header',
  headerPartner: 'header-partner',
  headerUser: 'header-user',
  headerRole: 'header-role',
  headerInstance: 'header-instance',
  notice: 'notice',
  errorAlert: 'error-alert',
  customerCount: 'customer-count',
  customerRow: 'customer-row',
  pagerStatus: 'pager-status',
  catalogRow: 'catalog-row',
  catalogReason: 'catalog-reason',
  lineError: 'line-error',
  orderTotal: 'order-total',
  subscriptionRow: 'subscription-row',
  subscriptionStatus: 'subscription-status',
  suspendRetention: 'suspend-retention',
  retentionDate: 'retention-date',
  cancelDialog: 'cancel-dialog',
  cancelPurgeDate: 'cancel-purge-date',
  addOnRow: 'addon-row',
  activityRow: 'activity-row',
} as const;
