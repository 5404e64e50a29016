/** Base of every expected failure raised by the review engine. */
export class RiskScoringError extends Error {
  override name = 'RiskScoringError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The input cannot be reviewed (unreadable, not JSON, not a plan, no Terraform resources). Message is one line. */
export class InputError extends RiskScoringError {
  override name = 'InputError';
}

/** The JSON is not a Terraform plan (`terraform show -json`) this engine understands. */
export class PlanParseError extends InputError {
  override name = 'PlanParseError';
}

/** A `.tf` file could not be parsed as HCL. */
export class HclParseError extends InputError {
  override name = 'HclParseError';
}
