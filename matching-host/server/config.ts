import { z } from 'zod';

/** Host settings from the environment, validated once at start with a clear error. */
const schema = z.object({
  HOST_DATA_DIR: z.string().min(1).default('.data/matching-host'),
  HOST_GRPC_ADDRESS: z.string().min(1).default('127.0.0.1:50051'),
  HOST_ROLE: z.enum(['primary', 'standby']).default('primary'),
  HOST_EPOCH: z.coerce.number().int().min(1).default(1),
  HOST_SNAPSHOT_EVERY: z.coerce.number().int().min(0).default(100_000),
});

export type HostConfig = z.infer<typeof schema>;

export function loadHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid matching host configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}
