import type { Rule } from './rule';
import { iamRules } from './iam';
import { networkRules } from './network-exposure';
import { publicAccessRules } from './public-access';
import { encryptionRules } from './encryption';
import { dataLossRules } from './data-loss';
import { loggingRules } from './logging';
import { backupRules } from './backup';
import { secretsRules } from './secrets';
import { sourceSecretRules } from './provider-secrets';

/** The rule catalogue, in report order. */
export const rules: readonly Rule[] = Object.freeze([
  ...iamRules,
  ...networkRules,
  ...publicAccessRules,
  ...encryptionRules,
  ...dataLossRules,
  ...loggingRules,
  ...backupRules,
  ...secretsRules,
  ...sourceSecretRules,
]);
