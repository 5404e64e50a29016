/** The parts of jose the verifier uses, loaded with import() on the first bearer token (their own chunk in a bundle). */
export { createRemoteJWKSet, errors, jwtVerify } from 'jose';
