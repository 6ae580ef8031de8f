/**
 * A small HTTP server on 127.0.0.1 (random port) serving one generated file, for download tests.
 * Routes: /file.bin (honours Range), /norange/file.bin (ignores Range, always 200), /redirect/file.bin
 * (302 to /file.bin), /stall/file.bin (sends half, then nothing), /truncate/file.bin (announces the full length, sends half, then closes the
 * connection), /html (an HTML page), anything else 404. Every request's Range header is recorded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  base: string;
  content: Buffer;
  sha256: string;
  /** `${path} ${range header or '-'}` per request, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFileServer(size = 64 * 1024 + 123): Promise<FileServer> {
  const content = randomBytes(size);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(`${url} ${req.headers.range ?? '-'}`);
    if (url === '/redirect/file.bin') {
      res.writeHead(302, { Location: '/file.bin' }).end();
      return;
    }
    if (url === '/html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html>not a model</html>');
      return;
    }
    if (url === '/stall/file.bin') {
      // Half the file, then silence: the client's idle timeout has to give up.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(content.length) });
      res.write(content.subarray(0, content.length >> 1));
      return;
    }
    if (url === '/truncate/file.bin') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(content.length) });
      // A FIN, not a reset: the client gets the half that was sent, then a premature end of body.
      res.write(content.subarray(0, content.length >> 1), () => res.socket?.end());
      return;
    }
    if (url !== '/file.bin' && url !== '/norange/file.bin') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && url === '/file.bin') {
      const start = Number(m[1]);
      if (start >= content.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${content.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(content.length - start),
        'Content-Range': `bytes ${start}-${content.length - 1}/${content.length}`,
      });
      res.end(content.subarray(start));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(content.length) });
    res.end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    content,
    sha256,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
