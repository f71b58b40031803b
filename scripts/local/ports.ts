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
  /** the DR region's host (free ports when not given) */
  grpcStandby?: number;
  metricsStandby?: number;
  /** the primary's in-region standby, in the other AZ (free ports when not given) */
  grpcPair?: number;
  metricsPair?: number;
  /** the page of the API documents (not served when not given) */
  apiDocs?: number;
}

export const DEFAULT_PORTS: StackPorts = {
  http: 3000,
  websocket: 3001,
  lambda: 3002,
  grpc: 50051,
  metrics: 9464,
  kinesis: 4567,
  dynamodb: 4569,
  postgres: 5433,
  stepFunctions: 8083,
  grpcStandby: 50052,
  metricsStandby: 9465,
  grpcPair: 50053,
  metricsPair: 9466,
  apiDocs: 8084,
};

/** `npm start`'s ports, shifted by EXCHANGE_PORT_OFFSET to run a second stack beside the first. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const offset = Number(env.EXCHANGE_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000)
    throw new Error(`EXCHANGE_PORT_OFFSET must be a whole number from 0 to 10000, not ${env.EXCHANGE_PORT_OFFSET}`);
  return Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([k, v]) => [k, (v as number) + offset])) as unknown as StackPorts;
}
