/**
 * The only parts of the S3 client this package uses. Loaded with import() on first use (see
 * s3-blob-store.ts): importing the package itself dynamically would keep every S3 command in the bundle.
 */
export { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
