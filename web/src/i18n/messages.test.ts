import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from './glossary.ts';
import { LOCALES } from './locale.ts';
import { MESSAGES } from './messages.ts';

/** The arguments a message takes (`{name}`, `{count, plural, …}`), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time)
      into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const option of Object.values(e.options)) argumentsOf(option.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

describe('the console messages (SPEC §5: en-US, fr-FR, de-DE)', () => {
  it('has every key in all three languages, each a valid ICU message with the same arguments', () => {
    const keys = Object.keys(MESSAGES['en-US']).sort();
    for (const locale of LOCALES) {
      const catalog: Record<string, string> = MESSAGES[locale];
      expect(Object.keys(catalog).sort(), locale).toEqual(keys);
      for (const key of keys) {
        const text = catalog[key] ?? '';
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        const english = [...argumentsOf(parse(MESSAGES['en-US'][key as keyof (typeof MESSAGES)['en-US']]))];
        expect([...argumentsOf(parse(text))].sort(), `${locale} ${key}`).toEqual(english.sort());
      }
    }
  });
});

const SRC = join(import.meta.dirname, '..');
// Attributes a person reads or hears: their values must come from the catalog too.
const TEXT_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label']);
const hasWords = (s: string) => /\p{L}/u.test(s);

/** Literal text in a component: JSX text, string children, and readable attributes given as strings. */
export function literalTexts(source: string, fileName = 'component.tsx'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(node.text.trim());
    if (ts.isJsxExpression(node) && node.expression && ts.isJsxElement(node.parent)) {
      const e = node.expression;
      if ((ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && hasWords(e.text))
        found.push(e.text);
      if (ts.isTemplateExpression(e)) {
        const parts = [e.head.text, ...e.templateSpans.map((s) => s.literal.text)];
        if (parts.some(hasWords)) found.push(parts.join('…'));
      }
    }
    if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      const init = node.initializer;
      if (ts.isStringLiteral(init) && hasWords(init.text)) found.push(init.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const components = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? components(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : [],
  );

describe('the console components (SPEC §5)', () => {
  it('finds literal text where it is', () => {
    expect(
      literalTexts(
        '<p title="Close" aria-label={t("x")}>Hello {"world"} {`${n} items`} {t("k")} · {name}</p>',
      ),
    ).toEqual(['Close', 'Hello', 'world', '… items']);
  });

  it('show no literal text: every word comes from the message catalog', () => {
    const files = components(SRC);
    expect(files.length).toBeGreaterThan(10);
    const literals = files.flatMap((f) =>
      literalTexts(readFileSync(f, 'utf8'), f).map((text) => `${relative(SRC, f)}: ${text}`),
    );
    expect(literals).toEqual([]);
  });
});

describe('the glossary (one term per concept per language)', () => {
  it('no message uses a word the glossary avoids for a concept', () => {
    const found: string[] = [];
    for (const locale of LOCALES) {
      const catalog: Record<string, string> = MESSAGES[locale];
      for (const [key, text] of Object.entries(catalog))
        for (const term of GLOSSARY[locale])
          for (const word of term.avoid)
            if (new RegExp(`(^|[^\\p{L}-])${word}($|[^\\p{L}-])`, term.exactCase ? 'u' : 'iu').test(text))
              found.push(`${locale} ${key}: "${word}" (use "${term.use}")`);
    }
    expect(found).toEqual([]);
  });
});
