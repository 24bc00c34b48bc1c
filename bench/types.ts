/** One measured figure. */
export interface BenchRow {
  case: string;
  metric: string;
  value: number;
  unit: string;
}

/** A benchmark registered in bench/index.ts. */
export interface BenchCase {
  name: string;
  /** Runs the service from dist/: bench/index.ts builds it once before the first such case. */
  usesBuild?: boolean;
  run(): Promise<BenchRow[]>;
}
