/** Policy file names looked for at the repository root. No imports: the CLI reads it at start-up. */
export const CONFIG_FILES = ['.iac-review.yml', '.iac-review.yaml', '.iac-review.json'] as const;

/**
 * Why no policy file is read when `present` (names of CONFIG_FILES found in one place) holds more
 * than one: the review will not guess which the team meant. Undefined for none or one.
 */
export const ambiguousPolicyFiles = (present: readonly string[], where: string): string | undefined =>
  present.length > 1 ? `${where} has ${present.length} policy files (${present.join(', ')}); keep exactly one` : undefined;
