/** dist/server.js: `node dist/server.js --stdio` (or `--node-ipc`, `--socket=N`). */
import { startServer } from './start';

startServer();
