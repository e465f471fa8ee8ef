/**
 * The `gateway` section: `tools/call` through `mcp-bastion gateway` ÷ the same call made directly
 * to the same upstream in the same run, for an HTTP upstream and a stdio upstream, with the output
 * guard on (`warn`, the default) and off; then the gateway process's own memory with 10 upstreams
 * ÷ with none. Throughput on a shared machine moves with its load, so every row also carries the
 * CPU time per call of the gateway and of the upstream, which does not.
 */
import { which } from '../src/security/connect/sandbox.js';
import { load, startTarget, type LoadResult, type Target } from './http.js';
import { IO_MS } from './io.js';
import {
  callLoop,
  directEverything,
  everything,
  gatewayEverything,
  gatewayMemory,
  probeHttp,
  startGatewayTarget,
  cpuMs,
  descendants,
  PROSE_4K,
  type CallLoopResult,
  type OutputMode,
  type StdioTarget,
  type Upstreams,
} from './gateway-targets.js';

const fmt = (n: number, d = 0) => n.toFixed(d);
const mib = (bytes: number) => bytes / (1024 * 1024);
const ROUNDS = 3;

interface Sample {
  readonly rps: number;
  readonly p99: number;
  readonly bad: number;
  readonly requests: number;
}

/** One path under load, with the processes whose CPU time is charged to the gateway and to the upstream. */
interface Path {
  readonly name: string;
  readonly gatewayPids: readonly number[];
  readonly upstreamPids: readonly number[];
  run(seconds: number): Promise<Sample>;
}

interface Row {
  readonly rps: number;
  readonly p99: number;
  readonly bad: number;
  /** CPU ms per call in the gateway process, and in the upstream process(es). */
  readonly gatewayCpu: number;
  readonly upstreamCpu: number;
}

const cpuOf = (pids: readonly number[]) => pids.reduce((a, p) => a + cpuMs(p), 0);

async function measure(path: Path, seconds: number): Promise<Sample & { gatewayCpuMs: number; upstreamCpuMs: number }> {
  const g0 = cpuOf(path.gatewayPids);
  const u0 = cpuOf(path.upstreamPids);
  const s = await path.run(seconds);
  return { ...s, gatewayCpuMs: cpuOf(path.gatewayPids) - g0, upstreamCpuMs: cpuOf(path.upstreamPids) - u0 };
}

/** Runs every path once per round, reversing the order on odd rounds so slow drift of the machine cancels out. */
async function alternate(paths: readonly Path[], seconds: number): Promise<[string, Row][]> {
  const runs = new Map<string, Awaited<ReturnType<typeof measure>>[]>(paths.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? paths : [...paths].reverse();
    for (const p of order) runs.get(p.name)?.push(await measure(p, seconds));
  }
  return paths.map((p) => {
    const r = runs.get(p.name) ?? [];
    const calls = r.reduce((a, b) => a + b.requests, 0) || 1;
    return [
      p.name,
      {
        rps: r.reduce((a, b) => a + b.rps, 0) / r.length,
        p99: r.reduce((a, b) => a + b.p99, 0) / r.length,
        bad: r.reduce((a, b) => a + b.bad, 0),
        gatewayCpu: r.reduce((a, b) => a + b.gatewayCpuMs, 0) / calls,
        upstreamCpu: r.reduce((a, b) => a + b.upstreamCpuMs, 0) / calls,
      },
    ];
  });
}

function table(unit: string, rows: readonly [string, Row][]): Row {
  const base = rows[0]?.[1];
  if (!base) throw new Error('no baseline row');
  console.log(
    `| path | ${unit} | p99 ms | errors | throughput ratio vs direct | p99 ratio vs direct | gateway CPU ms/call | upstream CPU ms/call | gateway CPU ÷ upstream CPU |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [k, a] of rows) {
    const cpu = (v: number, d: number) => (Number.isNaN(v) ? 'n/a' : fmt(v, d));
    const gw = a.gatewayCpu > 0 || Number.isNaN(a.gatewayCpu) ? cpu(a.gatewayCpu, 3) : '-';
    const share = a.gatewayCpu > 0 || Number.isNaN(a.gatewayCpu) ? cpu(a.gatewayCpu / Math.max(a.upstreamCpu, 0.001), 2) : '-';
    console.log(
      `| ${k} | ${fmt(a.rps)} | ${fmt(a.p99, 1)} | ${a.bad} | ${fmt(a.rps / base.rps, 2)} | ${fmt(a.p99 / Math.max(base.p99, 0.01), 2)} | ${gw} | ${cpu(a.upstreamCpu, 3)} | ${share} |`,
    );
  }
  return base;
}

const httpPath = (name: string, t: Target, upstream: Target): Path => ({
  name,
  gatewayPids: t.pid === upstream.pid || !t.pid ? [] : [t.pid],
  upstreamPids: upstream.pid ? [upstream.pid] : [],
  run: async (seconds) => {
    const r: LoadResult = await load(t, seconds);
    return { rps: r.rps, p99: r.p99, bad: r.errors + r.non2xx, requests: r.requests };
  },
});

const stdioPath = (name: string, t: StdioTarget, direct: boolean, filler = ''): Path => ({
  name,
  gatewayPids: direct ? [] : [t.pid],
  upstreamPids: direct ? [t.pid] : descendants(t.pid),
  run: async (seconds) => {
    const r: CallLoopResult = await callLoop(t, seconds, filler);
    return { rps: r.rps, p99: r.p99, bad: r.errors, requests: r.requests };
  },
});

function summary(kind: string, rows: readonly [string, Row][], warnRow: string, offRow: string): void {
  const by = new Map(rows);
  const direct = rows[0]![1];
  for (const [k, r] of rows.slice(1))
    console.log(
      `ratio gateway/direct (${kind} upstream, ${k.replace('gateway ', '')}): ${fmt(r.rps / direct.rps, 2)}${kind === 'HTTP' ? ' (target >= 0.8)' : ''}`,
    );
  const w = by.get(warnRow);
  const o = by.get(offRow);
  if (w && o)
    console.log(
      `output guard cost (${warnRow.replace('gateway ', '')} / ${offRow.replace('gateway ', '')}): throughput ${fmt(w.rps / o.rps, 2)}, gateway CPU per call ${fmt(w.gatewayCpu / o.gatewayCpu, 2)}`,
    );
}

/** An HTTP upstream of `kind`, one gateway per output mode in front of it, each loaded in alternation with the direct path. */
async function httpRows(
  kind: 'bastion' | 'bastion-io',
  tool: string,
  expect: string,
  modes: readonly OutputMode[],
  seconds: number,
  label = '',
): Promise<[string, Row][]> {
  const upstream = await startTarget(kind);
  const gateways: Target[] = [];
  try {
    for (const mode of modes) gateways.push(await startGatewayTarget({ up: { url: upstream.url } }, mode, `up__${tool}`));
    const targets: [string, Target][] = [
      [`direct${label}`, { ...upstream, tool }],
      ...gateways.map((g, i): [string, Target] => [`gateway ${modes[i]}${label}`, g]),
    ];
    for (const [, t] of targets) await probeHttp(t, expect);
    for (const [, t] of targets) await load(t, 1);
    return await alternate(
      targets.map(([k, t]) => httpPath(k, t, upstream)),
      seconds,
    );
  } finally {
    for (const g of gateways) g.stop();
    upstream.stop();
  }
}

async function httpUpstream(seconds: number): Promise<void> {
  console.log(
    `\n### HTTP upstream (our createMcpServer, demo router, tools/call notes_list), 2026-07-28 stateless POSTs, autocannon, 10 connections, ${seconds}s runs, ${ROUNDS} rounds alternated`,
  );
  const rows = await httpRows('bastion', 'notes_list', 'notes', ['warn', 'off'], seconds);
  table('req/s', rows);
  summary('HTTP', rows, 'gateway warn', 'gateway off');

  // A tool that spends its time waiting (a database or an API call) rather than computing: what the gateway's cost means for a typical real tool.
  console.log(
    `\nSame, for an upstream tool that waits ${IO_MS} ms (a database or API call) before answering (tools/call lookup), 10 connections:`,
  );
  const io = await httpRows('bastion-io', 'lookup', 'found', ['warn'], seconds, ' (I/O tool)');
  const direct = table('req/s', io);
  const gw = io[1]![1];
  console.log(
    `ratio gateway/direct (HTTP upstream, tool with ${IO_MS} ms of I/O, warn): ${fmt(gw.rps / direct.rps, 2)} (target >= 0.8); ` +
      `added latency per call ≈ ${fmt(10_000 / gw.rps - 10_000 / direct.rps, 2)} ms at 10 connections`,
  );
}

async function stdioUpstream(seconds: number): Promise<void> {
  const sandbox = which('bwrap') !== undefined;
  console.log(
    `\n### stdio upstream (server-everything echo): client → gateway over stdio → server-everything over stdio, vs a direct SDK stdio client; Client.callTool loop, 10 in flight, ${seconds}s runs, ${ROUNDS} rounds alternated`,
  );
  if (!sandbox) console.log('(bwrap not installed: sandboxed rows left out)');
  const targets: [string, StdioTarget][] = [];
  try {
    targets.push(['direct', await directEverything()]);
    targets.push(['gateway unsandboxed warn', await gatewayEverything(false, 'warn')]);
    targets.push(['gateway unsandboxed off', await gatewayEverything(false, 'off')]);
    if (sandbox) {
      targets.push(['gateway sandboxed warn', await gatewayEverything(true, 'warn')]);
      targets.push(['gateway sandboxed off', await gatewayEverything(true, 'off')]);
    }
    for (const [k, t] of targets) {
      const warm = await callLoop(t, 1);
      if (warm.errors > 0 || warm.rps === 0) throw new Error(`${k}: ${warm.errors} failed calls while warming up`);
    }
    const rows = await alternate(
      targets.map(([k, t], i) => stdioPath(k, t, i === 0)),
      seconds,
    );
    table('calls/s', rows);
    summary('stdio', rows, 'gateway unsandboxed warn', 'gateway unsandboxed off');

    // Echo of a short string gives the output guard almost nothing to read; a 4 KB result is closer to real tool output.
    console.log(`\n4 KB result (echo of ${PROSE_4K.length} characters of prose), unsandboxed, same loop:`);
    const big = await alternate(
      targets.slice(0, 3).map(([k, t], i) => stdioPath(`${k} 4 KB`, t, i === 0, PROSE_4K)),
      seconds,
    );
    table('calls/s', big);
    summary('stdio', big, 'gateway unsandboxed warn 4 KB', 'gateway unsandboxed off 4 KB');
  } finally {
    await Promise.all(targets.map(([, t]) => t.close()));
  }
}

async function memory(): Promise<void> {
  console.log(
    '\n### Gateway process memory (its own rss and heap after a full GC, upstream processes not included; each figure from a fresh process)',
  );
  const upstream = await startTarget('bastion');
  try {
    const ten = (entry: () => Upstreams[string]) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, entry()]));
    const samples: [string, Awaited<ReturnType<typeof gatewayMemory>>][] = [
      ['0 upstreams', await gatewayMemory({})],
      ['10 × server-everything (stdio, unsandboxed)', await gatewayMemory(ten(() => everything(false)))],
      ['10 × our HTTP server (demo router)', await gatewayMemory(ten(() => ({ url: upstream.url })))],
    ];
    const base = samples[0]![1];
    console.log(
      '| gateway with | upstream tools | rss MiB | heap MiB | rss ratio vs 0 upstreams | heap ratio vs 0 upstreams | per upstream rss / heap MiB |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [k, m] of samples) {
      const per =
        m.upstreams > 0 ? `${fmt(mib(m.rss - base.rss) / m.upstreams, 2)} / ${fmt(mib(m.heapUsed - base.heapUsed) / m.upstreams, 2)}` : '-';
      console.log(
        `| ${k} | ${m.tools} | ${fmt(mib(m.rss), 1)} | ${fmt(mib(m.heapUsed), 1)} | ${fmt(m.rss / base.rss, 2)} | ${fmt(m.heapUsed / base.heapUsed, 2)} | ${per} |`,
      );
    }
  } finally {
    upstream.stop();
  }
}

export async function benchGateway(seconds: number): Promise<void> {
  console.log('\n## Gateway: tools/call through mcp-bastion gateway ÷ direct to the same upstream (same run), and memory');
  await httpUpstream(seconds);
  await stdioUpstream(seconds);
  await memory();
}
