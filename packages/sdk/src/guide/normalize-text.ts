/**
 * Lowercase, without diacritics or punctuation, single spaces: `"Je préfère   ne pas répondre !"`
 * -> `"je prefere ne pas repondre"`. Used to match phrases and to compare questions.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
