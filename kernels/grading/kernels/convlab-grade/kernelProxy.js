// How Jupyter reaches a kernel that has no network: the kernel binds its five ZeroMQ sockets as Unix
// sockets (`ipc://`) in a folder of its sandbox, and this proxy, outside the sandbox, listens on the
// TCP ports Jupyter gave in the connection file and joins each TCP connection to a new connection to
// the matching Unix socket. ZeroMQ speaks the same protocol (ZMTP) over both, so bytes pass through
// unchanged; Jupyter and the kernel never know.
//
// On the way out it also counts: the bytes and the ZMTP messages the kernel sends on each
// connection. Past a limit the kernel is stopped (`onLimit`), so a flood of output is cut where it
// starts, before it fills the Jupyter server or the grader.
'use strict';
const fs = require('fs');
const net = require('net');

/**
 * Counts whole ZMTP 3 messages in a byte stream: a 64-byte greeting, then frames of
 * flags (bit 0: more frames follow, bit 1: 8-byte size, bit 2: command) + size + body.
 * A message is a run of non-command frames ending in one without the "more" bit.
 */
class ZmtpCounter {
  constructor() {
    this.greetingLeft = 64;
    this.header = []; // bytes of the frame header read so far
    this.bodyLeft = 0;
    this.flags = 0;
    this.messages = 0;
  }

  push(chunk) {
    let at = 0;
    while (at < chunk.length) {
      if (this.greetingLeft > 0) {
        const take = Math.min(this.greetingLeft, chunk.length - at);
        this.greetingLeft -= take;
        at += take;
      } else if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= take;
        at += take;
        if (this.bodyLeft === 0) this.frameDone();
      } else {
        this.header.push(chunk[at++]);
        const long = (this.header[0] & 0x02) !== 0;
        if (this.header.length < (long ? 9 : 2)) continue;
        this.flags = this.header[0];
        // A frame over 2^53 bytes cannot be real; the byte limit stops such a stream first.
        this.bodyLeft = long
          ? this.header.slice(1).reduce((size, byte) => size * 256 + byte, 0)
          : this.header[1];
        this.header = [];
        if (this.bodyLeft === 0) this.frameDone();
      }
    }
  }

  frameDone() {
    const command = (this.flags & 0x04) !== 0;
    const more = (this.flags & 0x01) !== 0;
    if (!command && !more) this.messages++;
  }
}

/**
 * Starts the proxy. `channels` maps each TCP port to the path of the kernel's Unix socket (relative
 * to the current folder: a Unix socket path may hold only ~100 bytes). Returns `close()`.
 *
 * limits: { bytes, messages } per connection, kernel to Jupyter.
 */
function startKernelProxy({ host, channels, limits, onLimit }) {
  const servers = [];
  let stopped = false;
  const stop = (reason) => {
    if (stopped) return;
    stopped = true;
    onLimit(reason);
  };

  for (const [port, socketPath] of channels) {
    const server = net.createServer((outside) => {
      outside.setNoDelay(true);
      // The kernel may not have bound its socket yet, and a socket file in a folder the kernel can
      // write could have been swapped for a link: connect only to a real socket, else drop the TCP
      // connection (ZeroMQ on Jupyter's side reconnects by itself).
      let isSocket = false;
      try {
        isSocket = fs.lstatSync(socketPath).isSocket();
      } catch {
        isSocket = false;
      }
      if (!isSocket || stopped) return outside.destroy();
      const inside = net.connect({ path: socketPath });
      const counter = new ZmtpCounter();
      let bytes = 0;
      inside.on('data', (chunk) => {
        bytes += chunk.length;
        counter.push(chunk);
        if (bytes > limits.bytes) stop(`sent more than ${limits.bytes} bytes`);
        else if (counter.messages > limits.messages) stop(`sent more than ${limits.messages} messages`);
      });
      outside.pipe(inside);
      inside.pipe(outside);
      const close = () => {
        outside.destroy();
        inside.destroy();
      };
      outside.on('error', close).on('close', close);
      inside.on('error', close).on('close', close);
    });
    server.listen(port, host);
    server.on('error', (error) => {
      console.error(`convlab grading kernel: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(2);
    });
    servers.push(server);
  }
  return { close: () => servers.forEach((server) => server.close()) };
}

module.exports = { startKernelProxy, ZmtpCounter };
