/** How the matching host refused a call: its gRPC status code and the reason code it carries as a field. */
import type { ServiceError } from '@grpc/grpc-js';
import { reasonCodeOf } from '../../matching-host/proto/reason-codes';

export async function refusalOf(p: Promise<unknown>): Promise<{ code: number | undefined; reason: string | undefined }> {
  try {
    await p;
  } catch (e) {
    const g = e as Partial<ServiceError>;
    return { code: g.code, reason: reasonCodeOf(g) };
  }
  throw new Error('the host did not refuse the call');
}
