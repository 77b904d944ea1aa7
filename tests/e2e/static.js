// A plain static server for dist/ under a path prefix, as GitHub Pages serves a project site at
// /<repo>/: files only (no Vite), the precompressed .br/.gz copies when the browser accepts them,
// CORS for sandboxed iframes, 404 for anything outside the prefix. It logs every request, can
// rewrite a file (a new version of the service worker) and can be stopped with its connections
// (the network really gone, for the offline tests).
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { resolve, extname } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
};

/**
 * Serve dir under base (e.g. '/some/sub/path/'). Returns { url, requests, outside, rewrite, stop }:
 * `requests` every path asked for, `outside` those outside base; rewrite(path, fn) serves
 * fn(original text) for that path (uncompressed) from then on.
 */
export async function serveStatic({ dir = 'dist', base = '/' } = {}) {
  const root = resolve(dir);
  const requests = [], outside = [], rewrites = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (`${path}/` === base) { res.writeHead(301, { Location: base }); res.end(); return; }
    if (!path.startsWith(base)) { outside.push(path); res.writeHead(404); res.end(); return; }
    const rel = path.slice(base.length) || 'index.html';
    const file = resolve(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };
    if (rewrites.has(rel)) { res.writeHead(200, headers); res.end(rewrites.get(rel)(readFileSync(file, 'utf8'))); return; }
    const accept = req.headers['accept-encoding'] ?? '';
    const enc = [['br', '.br'], ['gzip', '.gz']].find(([name, ext]) => new RegExp(`\\b${name}\\b`).test(accept) && existsSync(file + ext));
    if (enc) Object.assign(headers, { 'Content-Encoding': enc[0], Vary: 'Accept-Encoding' });
    res.writeHead(200, headers);
    res.end(readFileSync(enc ? file + enc[1] : file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}${base}`;
  return {
    url, requests, outside,
    rewrite: (rel, fn) => rewrites.set(rel, fn),
    /** Close the server and every open connection: nothing answers any more. */
    stop: () => new Promise((r) => {
      if (!server.listening) return r();
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
