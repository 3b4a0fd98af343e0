import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server (its own registry, so several servers can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'virtplan_' });
  return {
    registry,
    requests: new Counter({
      name: 'virtplan_http_requests_total',
      help: 'HTTP requests by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'virtplan_http_request_duration_seconds',
      help: 'HTTP request duration by route.',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'virtplan_http_requests_in_flight',
      help: 'HTTP requests being served.',
      registers: [registry],
    }),
    runsRejected: new Counter({
      name: 'virtplan_runs_rejected_total',
      help: 'Plan and DR runs refused with 503 because too many were in flight.',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
