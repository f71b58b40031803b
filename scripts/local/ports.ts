/** The ports `npm start` serves on (tests and benchmarks pass their own), apart from the stack so the CLI scripts can name them cheaply. */
export interface StackPorts {
  http: number;
  websocket: number;
  lambda: number;
  grpc: number;
  metrics: number;
  kinesis: number;
  dynamodb: number;
  /** PGlite's, when no DATABASE_URL is given */
  postgres: number;
  /** the local Step Functions endpoint */
  stepFunctions: number;
  /** the standby region's host (free ports when not given) */
  grpcStandby?: number;
  metricsStandby?: number;
}

export const DEFAULT_PORTS: StackPorts = { http: 3000, websocket: 3001, lambda: 3002, grpc: 50051, metrics: 9464, kinesis: 4567, dynamodb: 4569, postgres: 5433, stepFunctions: 8083, grpcStandby: 50052, metricsStandby: 9465 };
