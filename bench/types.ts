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
  run(): Promise<BenchRow[]>;
}
