// Finds English sentences in text meant to be Japanese: three Latin words in a row, once what
// is allowed in Japanese text is taken out — URLs, paths, command lines (certdesk …, --options),
// error and reason codes, camelCase identifiers, distinguished-name attributes (CN=…), hex.
export function englishSentences(text: string): string[] {
  const cleaned = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+~-]+)+[\\/]?/g, ' ')
    .replace(/\bcertdesk(?:\s+(?:status|inspect|doctor|renew|acquire|check|schedule|help))?\b/g, ' ')
    .replace(/--[a-z][a-z-]*/g, ' ')
    .replace(/\b(?:[A-Z]{1,5}|\d+(?:\.\d+)+)=[^,\n、）)]*/g, ' ')
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ')
    // camelCase identifiers (policy fields, key usage names as the core spells them)
    .replace(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g, ' ')
    .replace(/\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+\b/g, ' ');
  return cleaned.match(/[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}/g) ?? [];
}
