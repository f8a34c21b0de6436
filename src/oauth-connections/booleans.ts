// The spec's BooleanText pattern decides which words are allowed; this only says which of
// them mean true. Rails reads the same words the same way.
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])

export function parseBoolean(text: string): boolean {
  return TRUE_WORDS.has(text.toLowerCase())
}
