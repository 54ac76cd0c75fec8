export {
  createMetricsRegistry,
  METRIC_PREFIX,
  type MetricsRegistry,
  type MetricsRegistryOptions,
} from './registry.ts';
