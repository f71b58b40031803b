import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { SocketSender } from '../ports/socket-sender';

/** postToConnection on the WebSocket API's management endpoint (serverless offline: http://localhost:3001). */
export class ApiGatewaySocketSender implements SocketSender {
  private readonly client: ApiGatewayManagementApiClient;

  constructor(endpoint: string) {
    this.client = new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 2 });
  }

  async send(connectionId: string, message: unknown): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(message)) }));
      return 'sent';
    } catch (e) {
      if (e instanceof GoneException || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410) return 'gone';
      throw e;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
