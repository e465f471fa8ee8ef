/** A JSON-RPC error as an HTTP response. Used where the request never reaches the SDK. */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export type JsonRpcShape = 'request' | 'notification' | 'response' | 'batch' | 'invalid';

/** Classifies a parsed body by the JSON-RPC 2.0 rules, so junk gets -32600 before any handler runs. */
export function jsonRpcShape(body: unknown): JsonRpcShape {
  if (Array.isArray(body))
    return body.length > 0 && body.every((m) => jsonRpcShape(m) !== 'invalid' && jsonRpcShape(m) !== 'batch') ? 'batch' : 'invalid';
  if (typeof body !== 'object' || body === null) return 'invalid';
  const m = body as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return 'invalid';
  const idOk = typeof m.id === 'string' || (typeof m.id === 'number' && Number.isFinite(m.id));
  if (typeof m.method === 'string' && m.method.length > 0) {
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null)) return 'invalid';
    if ('id' in m) return idOk ? 'request' : 'invalid';
    return 'notification';
  }
  if (('result' in m || 'error' in m) && (idOk || m.id === null)) return 'response';
  return 'invalid';
}

export function idOf(body: unknown): string | number | null {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const id = (body as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}
