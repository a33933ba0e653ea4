/**
 * How the console names a subscription wherever a partner picks or reads one: the name the partner gave it,
 * then the product in brackets when the two differ ("Sales team (Contoso 365 Business Standard)"). A
 * subscription never renamed is its product's name alone.
 */
export function subscriptionLabel(s: { friendlyName: string; offerName: string }): string {
  const friendly = s.friendlyName.trim();
  if (!friendly || friendly === s.offerName) return s.offerName;
  return `${friendly} (${s.offerName})`;
}
