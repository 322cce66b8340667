/** The vitest projects' files, sorted by what each reaches (test-kinds.mjs). */
export function testKinds(root: string): { unit: string[]; integration: string[]; soak: string[] };
