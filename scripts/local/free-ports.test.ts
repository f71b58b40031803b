import { createServer } from 'node:net';
import { assertPortsFree } from './free-ports';
import { freePort } from './region-hosts';

describe('assertPortsFree', () => {
  it('passes free ports and names each taken one with what it was for', async () => {
    const free = await freePort();
    await expect(assertPortsFree({ http: free })).resolves.toBeUndefined();
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const taken = (s.address() as { port: number }).port;
    try {
      await expect(assertPortsFree({ http: free, grpc: taken })).rejects.toThrow(
        `port ${taken} (grpc) already in use: is another npm start running?`,
      );
    } finally {
      s.close();
    }
  });
});
