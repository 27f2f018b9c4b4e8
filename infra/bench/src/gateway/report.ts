/** The gateway suite's figures: printed with their ratios, and written as JSON (lib/results.ts). */
import { mb } from '../lib/proc';
import { machine, writeResult } from '../lib/results';
import { fmtStats, type Stats } from '../lib/stats';
import type { GatewayBenchOptions } from './options';
import type { ConnectResult, ReportResult } from './clients';
import { GATEWAY_LIMITS, GATEWAY_LIMIT_DEFAULTS } from './gateway-process';
import type { PhaseResult } from './phases';

export interface GatewayBenchResult {
  options: GatewayBenchOptions;
  /** The same clients connecting all at once to a gateway with the default limits (refused attempts retried 500 ms later). */
  defaultLimits: ConnectResult;
  perSession: number;
  connect: ConnectResult;
  a: PhaseResult;
  b: PhaseResult;
  rssBefore: number | undefined;
  rssConnected: number | undefined;
  hubReport: ReportResult;
  missingAfterDrain: number;
  eventRate: number;
  bare: {
    connect: ConnectResult;
    rssBefore: number | undefined;
    rssConnected: number | undefined;
    proc: Record<string, { cpuMs?: number; peakRssBytes?: number }>;
    published: number;
    report: ReportResult;
    wallMs: number;
  };
  clockOffsetsMs: { clients: number; bare: number };
  gatewayWarnings: Record<string, number>;
}

const ratio = (x: number, y: number): string => (Number.isFinite(x / y) ? (x / y).toFixed(2) : '-');
const cpuPct = (cpuMs: number | undefined, wallMs: number): string => (cpuMs === undefined ? '?' : `${((cpuMs / wallMs) * 100).toFixed(0)}% of a core`);
const lat = (s: Stats): string => `p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms`;

export function printAndWrite(r: GatewayBenchResult): void {
  const { a, b, hubReport: h, bare } = r;
  const gwA = a.proc['gateway'] ?? {};
  const gwB = b.proc['gateway'] ?? {};
  const sseCpuMs = (gwB.cpuMs ?? 0) - (gwA.cpuMs ?? 0) * (b.wallMs / a.wallMs);
  const gwCpuPerEventUs = (sseCpuMs / Math.max(1, h.eventsInWindow)) * 1000;
  const bareCpuPerEventUs = ((bare.proc['bare']?.cpuMs ?? 0) / Math.max(1, bare.report.eventsInWindow)) * 1000;
  const perClientKb = r.rssBefore !== undefined && r.rssConnected !== undefined ? (r.rssConnected - r.rssBefore) / r.connect.connected / 1024 : NaN;
  const bareKb = bare.rssConnected !== undefined && bare.rssBefore !== undefined ? (bare.rssConnected - bare.rssBefore) / bare.connect.connected / 1024 : NaN;
  const lost = h.lostEvents + h.lostWords;
  const summary = {
    gatewayPeakRssBytes: gwB.peakRssBytes,
    gatewayRssPerSseClientKb: perClientKb,
    gatewayCpuPctWithSse: gwB.cpuMs !== undefined ? (gwB.cpuMs / b.wallMs) * 100 : undefined,
    gatewayCpuPctWithoutSse: gwA.cpuMs !== undefined ? (gwA.cpuMs / a.wallMs) * 100 : undefined,
    gatewayCpuUsPerDeliveredEvent: gwCpuPerEventUs,
    bareCpuUsPerDeliveredEvent: bareCpuPerEventUs,
    cpuPerEventRatio: gwCpuPerEventUs / bareCpuPerEventUs,
    deliveryLagMs: h.lagMs,
    fanOutSpreadMs: h.spreadMs,
    bareLagMs: bare.report.lagMs,
    bareSpreadMs: bare.report.spreadMs,
    spreadP99Ratio: h.spreadMs.p99 / bare.report.spreadMs.p99,
    lostEvents: h.lostEvents,
    lostTokens: h.lostWords,
    getPerSecondWithSse: b.get.perSecond,
    getPerSecondWithoutSse: a.get.perSecond,
    getMsWithSse: b.get.latencyMs,
    getMsWithoutSse: a.get.latencyMs,
    getP50Ratio: b.get.latencyMs.p50 / a.get.latencyMs.p50,
    getP99Ratio: b.get.latencyMs.p99 / a.get.latencyMs.p99,
  };
  const o = r.options;
  process.stdout.write(
    [
      '',
      `gateway under SSE load: ${r.connect.connected}/${r.perSession * o.sessions} clients connected over ${o.sessions} sessions (${r.perSession} each), phases of ${o.durationMs / 1000} s`,
      `  turns            A (no SSE): ${a.turns} (${fmtStats(a.turnMs)})  B (SSE): ${b.turns} (${fmtStats(b.turnMs)})  errors A ${JSON.stringify(a.turnErrors)} B ${JSON.stringify(b.turnErrors)}`,
      `  connect          ${r.connect.wallMs.toFixed(0)} ms for all; each ${lat(r.connect.connectMs)}; failed ${JSON.stringify(r.connect.failed)}, refused attempts (retried) ${JSON.stringify(r.connect.refusedAttempts)}`,
      `  gateway RSS      ${mb(r.rssBefore)} before the clients, ${mb(r.rssConnected)} connected (${perClientKb.toFixed(1)} KB per client; bare server ${bareKb.toFixed(1)} KB), peak ${mb(gwB.peakRssBytes)} in B`,
      `  gateway CPU      A ${cpuPct(gwA.cpuMs, a.wallMs)}, B ${cpuPct(gwB.cpuMs, b.wallMs)}; the SSE clients add ${gwCpuPerEventUs.toFixed(1)} µs per delivered event, bare server ${bareCpuPerEventUs.toFixed(1)} µs (ratio ${ratio(gwCpuPerEventUs, bareCpuPerEventUs)})`,
      `  others in B      ${['temporal', 'bench', 'clients'].map((n) => `${n === 'bench' ? 'bench (worker, LLM, drivers)' : n} ${cpuPct(b.proc[n]?.cpuMs, b.wallMs)}`).join(', ')}`,
      `  events           ${h.eventsInWindow} delivered in B (${r.eventRate.toFixed(1)}/s per client); lost events ${h.lostEvents}, lost tokens ${h.lostWords} of ${h.wordsExpected} (client × token), out of order ${h.disordered}`,
      `  streams broken   ${JSON.stringify(h.reconnects)} (each reopened with Last-Event-ID); never connected ${h.notConnected}`,
      `  delivery lag     ${fmtStats(h.lagMs)}  (token chunk at the worker → client; includes batching and Temporal)`,
      `  fan-out spread   ${fmtStats(h.spreadMs)}  (receipt − first receipt in the session)`,
      `  bare Hono SSE    lag ${lat(bare.report.lagMs)}, spread ${lat(bare.report.spreadMs)}; spread p99 ratio gateway/bare ${ratio(h.spreadMs.p99, bare.report.spreadMs.p99)}; lost ${bare.report.lostEvents}`,
      `  GET /v1/sessions/{id}  (${o.getConcurrency} closed-loop requesters)`,
      `    without SSE    ${a.get.perSecond.toFixed(0)}/s, ${lat(a.get.latencyMs)}  ${JSON.stringify(a.get.statuses)}`,
      `    with SSE       ${b.get.perSecond.toFixed(0)}/s, ${lat(b.get.latencyMs)}  ${JSON.stringify(b.get.statuses)}`,
      `    ratio          rate ${ratio(b.get.perSecond, a.get.perSecond)}, p50 ${ratio(b.get.latencyMs.p50, a.get.latencyMs.p50)}, p99 ${ratio(b.get.latencyMs.p99, a.get.latencyMs.p99)} (with/without)`,
      `  limits           requestsPerSecond ${GATEWAY_LIMITS.requestsPerSecond} + burst ${GATEWAY_LIMITS.burst} for the run (default ${GATEWAY_LIMIT_DEFAULTS.requestsPerSecond}/s + ${GATEWAY_LIMIT_DEFAULTS.burst})`,
      `  default limits   all ${r.defaultLimits.connected + Object.values(r.defaultLimits.failed).reduce((a, b) => a + b, 0)} connecting at once: ${r.defaultLimits.connected} connected in ${(r.defaultLimits.wallMs / 1000).toFixed(1)} s; refused attempts (retried after 500 ms) ${JSON.stringify(r.defaultLimits.refusedAttempts)}; never connected ${JSON.stringify(r.defaultLimits.failed)}`,
      `  gateway log      warn/error lines: ${JSON.stringify(r.gatewayWarnings)}`,
      lost > 0 || r.missingAfterDrain > 0 ? `  LOSSES: ${lost} (${r.missingAfterDrain} client × token pairs still missing 15 s after the last turn)` : '  every client received every event and every token of its session',
      '',
    ].join('\n'),
  );
  writeResult('gateway', { benchmark: 'gateway-sse-load', at: new Date().toISOString(), machine: machine(), summary, ...r });
}
