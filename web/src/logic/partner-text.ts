/**
 * Text from the server as a partner reads it: the API's descriptions cite the spec's rules for developers
 * ("… (R-ORD-1)", "(billing.view, R-ROLE)", "(SPEC §6)"); the console keeps those for its "details" part
 * and shows the sentence without them.
 */
const RULE = /\b(?:R-[A-Z]+(?:-\d+)?|SPEC §\s?\d+)/;
const CITATION = new RegExp(String.raw`\s*\([^()]*${RULE.source}[^()]*\)`, 'g');

export function partnerText(description: string, names: Readonly<Record<string, string>> = {}): string {
  let text = description
    .replace(CITATION, '')
    .replace(/\s+([.;:,])/g, '$1')
    .trim();
  // Offer ids, where the page knows the product's name, read as the name.
  for (const [id, name] of Object.entries(names)) text = text.split(id).join(name);
  return text;
}

/** The rules a description cites, for the details a partner may give support. */
export function citedRules(description: string): string[] {
  return [...description.matchAll(new RegExp(RULE.source, 'g'))].map((m) => m[0]);
}

/** The reasons of the refused lines of an order (its `data` items that carry a description). */
export function lineReasons(data: readonly unknown[]): string[] {
  return data.flatMap((item) => {
    const d = item as { description?: unknown; lineItemNumber?: unknown } | null;
    return d && typeof d.description === 'string' && d.lineItemNumber !== undefined ? [d.description] : [];
  });
}
