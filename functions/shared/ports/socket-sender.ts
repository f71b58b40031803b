/** Sending to a WebSocket client (API Gateway's management API in every environment). */
export interface SocketSender {
  /** 'gone' when the connection no longer exists (its records should go too) */
  send(connectionId: string, message: unknown): Promise<'sent' | 'gone'>;
  /** close the connection from the server's side (API Gateway then runs $disconnect) */
  disconnect(connectionId: string): Promise<'closed' | 'gone'>;
}
