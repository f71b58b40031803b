/** CodeDeploy's pre- and post-traffic hooks of every function's release (release-service.ts). */
import { eventHandler } from '../shared/event-handler';
import { releaseService } from './wiring';

export const preTraffic = eventHandler((event: unknown) => releaseService().hook('BeforeAllowTraffic', event));
export const postTraffic = eventHandler((event: unknown) => releaseService().hook('AfterAllowTraffic', event));
