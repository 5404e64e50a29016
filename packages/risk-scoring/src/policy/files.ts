/** Policy file names looked for at the repository root (first found wins). No imports: the CLI reads it at start-up. */
export const CONFIG_FILES = ['.iac-review.yml', '.iac-review.yaml', '.iac-review.json'] as const;
