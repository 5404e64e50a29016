/** CloudWatch Embedded Metric Format: a metric is one JSON log line with an `_aws` member. */
export type MetricUnit =
  | 'Count'
  | 'Milliseconds'
  | 'Seconds'
  | 'Bytes'
  | 'Kilobytes'
  | 'Megabytes'
  | 'Percent'
  | 'None';

export interface MetricDatum {
  name: string;
  value: number;
  unit?: MetricUnit;
}

export interface EmfOptions {
  namespace: string;
  dimensions: Record<string, string>;
  metrics: readonly MetricDatum[];
  /** Extra searchable properties (not dimensions). */
  properties?: Record<string, unknown>;
  timestamp?: number;
}

/** Builds the EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html). */
export const buildEmf = (opts: EmfOptions): Record<string, unknown> => {
  const dimensionNames = Object.keys(opts.dimensions).slice(0, 30);
  const doc: Record<string, unknown> = {
    ...opts.properties,
    ...opts.dimensions,
    _aws: {
      Timestamp: opts.timestamp ?? Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: opts.namespace,
          Dimensions: [dimensionNames],
          Metrics: opts.metrics.map((m) => ({ Name: m.name, Unit: m.unit ?? 'Count' })),
        },
      ],
    },
  };
  for (const m of opts.metrics) {
    if (!Number.isFinite(m.value)) throw new TypeError(`metric ${m.name} has a non-finite value`);
    doc[m.name] = m.value;
  }
  return doc;
};
