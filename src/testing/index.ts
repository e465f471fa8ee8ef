/** Test helpers, published as `mcp-bastion/testing`. Not for production use. */
export { generateKeyPair, keyPairFromPrivateJwk, type TestKeyPair } from './keypair.js';
export { mintToken, type MintTokenOptions } from './mint.js';
export { createJwksServer, type JwksServer } from './jwks-server.js';
export { writeKeyPair, loadOrCreateKeyPair, loadKeyPair, keyFiles, KEY_FILES, type KeyFiles } from './keys.js';
