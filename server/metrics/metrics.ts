/** Latency histogram bucket bounds, in seconds. */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The server's Prometheus metrics, kept as plain counters (no library): verifications by outcome,
 * a verification latency histogram, and gauges read at scrape time (index size, publish lag, …).
 */
export class Metrics {
  private readonly outcomes = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  /** Counts one verification with its outcome (`OK` or a code) and latency in seconds. */
  observeVerification(outcome: string, seconds: number): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    for (let index = 0; index < BUCKETS.length; index += 1) {
      if (seconds <= (BUCKETS[index] as number)) {
        this.buckets[index] = (this.buckets[index] as number) + 1;
        break;
      }
    }
    this.latencySum += seconds;
    this.latencyCount += 1;
  }

  /** How many verifications ended with `outcome`. */
  count(outcome: string): number {
    return this.outcomes.get(outcome) ?? 0;
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(gauges: { name: string; help: string; value: number }[]): string {
    const lines: string[] = [
      '# HELP keyward_verifications_total Verifications answered, by outcome (OK or the error code).',
      '# TYPE keyward_verifications_total counter',
    ];
    for (const [outcome, value] of [...this.outcomes].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`keyward_verifications_total{outcome="${outcome}"} ${value}`);
    }
    lines.push(
      '# HELP keyward_verify_duration_seconds Time to answer /v1/verify, in the server.',
      '# TYPE keyward_verify_duration_seconds histogram',
    );
    let cumulative = 0;
    BUCKETS.forEach((bound, index) => {
      cumulative += this.buckets[index] as number;
      lines.push(`keyward_verify_duration_seconds_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(
      `keyward_verify_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `keyward_verify_duration_seconds_sum ${this.latencySum}`,
      `keyward_verify_duration_seconds_count ${this.latencyCount}`,
    );
    for (const gauge of gauges) {
      lines.push(
        `# HELP ${gauge.name} ${gauge.help}`,
        `# TYPE ${gauge.name} gauge`,
        `${gauge.name} ${gauge.value}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
