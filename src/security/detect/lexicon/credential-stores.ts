/**
 * Home-directory credential stores by family. One named alone is a job (an SSH tool reads ~/.ssh);
 * several families named together, none as a warning, is a sweep.
 */
export const CREDENTIAL_FAMILIES: readonly (readonly [string, RegExp])[] = [
  ['ssh', /~\/\.ssh\b|\bid_(?:rsa|ed25519|ecdsa)\b/],
  ['aws', /~\/\.aws\b/],
  ['gnupg', /~\/\.gnupg\b/],
  ['kube', /~\/\.kube\b/],
  ['docker', /~\/\.docker\b/],
  ['npm', /~\/\.npmrc\b/],
  ['netrc', /~\/\.netrc\b/],
  ['git', /~\/\.git-credentials\b/],
  ['gcloud', /~\/\.config\/gcloud\b/],
  ['browser', /\b(?:browser profiles?|login data|cookies\.sqlite)\b/],
];
