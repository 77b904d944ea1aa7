// Serves the built playground (dist/) and prints its URL.
import { preview } from 'vite';

const server = await preview({ preview: { host: '127.0.0.1', port: Number(process.env.PORT) || 4173 } });
server.printUrls();
