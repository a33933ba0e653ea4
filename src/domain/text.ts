// A lone half of a UTF-16 surrogate pair cannot be encoded as UTF-8, and PostgreSQL refuses U+0000 in text.
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL can store the string as text: no NUL, no unpaired surrogate (which is not UTF-8). */
export const storableText = (s: string): boolean => !UNSTORABLE.test(s);
