/** Sending to a WebSocket client (API Gateway's management API in every environment). */
export interface SocketSender {
  /** 'gone' when the connection no longer exists (its records should go too) */
  send(connectionId: string, message: unknown): Promise<'sent' | 'gone'>;
}
