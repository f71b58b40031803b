/**
 * The order-event broker's URL. Locally AMQP_URL carries the machine's guest account; in AWS it is
 * the broker's address only, and the credentials Amazon MQ was created with are read at run time
 * from the secret store (BROKER_SECRET), never carried in the function's environment.
 */
import { brokerUrlProblem } from '../../matching-host/proto/broker-credentials';
import { config, type AppConfig } from './config';
import { readSecret } from './secret-store';

export async function brokerUrl(cfg: AppConfig = config()): Promise<string> {
  if (!cfg.BROKER_SECRET) return cfg.AMQP_URL;
  const s = await readSecret(cfg.BROKER_SECRET, cfg.STAGE);
  if (!s.username || !s.password) throw new Error(`the secret ${cfg.BROKER_SECRET} has no username and password`);
  const url = new URL(cfg.AMQP_URL);
  url.username = encodeURIComponent(s.username);
  url.password = encodeURIComponent(s.password);
  const problem = brokerUrlProblem(url.toString(), cfg.STAGE);
  if (problem) throw new Error(problem);
  return url.toString();
}
