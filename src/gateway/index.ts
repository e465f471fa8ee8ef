/** `mcp-bastion/gateway`: an MCP security gateway in front of other MCP servers. */
export { createGateway, type Gateway, type GatewayOptions, type UpstreamInfo } from './create.js';
export {
  loadGatewayConfig,
  parseGatewayConfig,
  mergeFrom,
  type GatewayConfig,
  type GatewayConfigInput,
  type UpstreamConfig,
  type PolicyRule,
  type RateLimitRule,
} from './config.js';
export { checkSupplyChain, launchedPackage, isExactVersion } from './supply-chain.js';
export {
  createPinBook,
  ApprovalMismatchError,
  type PinBook,
  type PendingRecord,
  type PinRecord,
  type QuarantineReason,
} from './quarantine.js';
export { RATE_LIMITED } from './surface.js';
export type { CallGuards, CallAuditEvent, AuditDecision } from '../guard/hooks.js';
