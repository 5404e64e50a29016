/** Base of every expected failure raised by the review engine. */
export class RiskScoringError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** The input cannot be reviewed (unreadable, not JSON, not a plan, no Terraform resources). Message is one line. */
export class InputError extends RiskScoringError {}

/** The JSON is not a Terraform plan (`terraform show -json`) this engine understands. */
export class PlanParseError extends InputError {}

/** A `.tf` file could not be parsed as HCL. */
export class HclParseError extends InputError {}
