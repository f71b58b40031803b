/** Where the DR runbooks announce what they did (the broker's topic exchange; paging binds it). */
export interface DrNotices {
  /** `event`: e.g. dr.failover.completed; `id`: the message id consumers dedupe by */
  announce(event: string, body: Record<string, unknown>, id: string): Promise<void>;
}
