// Lambda bundles only: the S3 client's identity provider for S3 Express One Zone (directory buckets,
// names ending in --x-s3), with its session cache (~2 KB). The client builds one in its constructor,
// but asks it for a session only when the endpoint rules route a request to a directory bucket; the
// functions' buckets (large inputs, version content) are general-purpose buckets. This one constructs,
// and refuses loudly should a request ever need an S3 Express session.
export class S3ExpressIdentityProviderImpl {
  static REFRESH_WINDOW_MS = 60_000;

  constructor(createSessionFn) {
    this.createSessionFn = createSessionFn;
  }

  async getS3ExpressIdentity(_awsIdentity, identityProperties) {
    throw new Error(
      `S3 Express One Zone (directory bucket ${String(identityProperties?.Bucket)}) is not bundled in the Lambda functions: use a general-purpose bucket (see scripts/src/bundle/shims/s3-express-identity.mjs)`,
    );
  }
}
