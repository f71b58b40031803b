/** `npm run host` alone: the host's mutual TLS needs the local CA that npm start would make (HOST_TLS_DIR). */
import { ensureHostCa } from './host-ca';

process.stdout.write(`host CA: ${ensureHostCa(process.env.HOST_TLS_DIR ?? '.data/host-ca')}\n`);
