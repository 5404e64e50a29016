// One copy for every package: dynalite with the shared table (see @iac-review/dynamo-versioning/testing).
export { startTable, type LocalTable } from '@iac-review/dynamo-versioning/testing';
