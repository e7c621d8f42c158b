package io.squadron.deploy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A far region's link on loopback: a TCP proxy that forwards bytes both ways, each chunk {@code
 * oneWay} later than it arrived (order kept, bandwidth not limited), so a round trip through it
 * costs {@code 2 * oneWay} more. Bytes only: TLS passes through untouched. For benchmarks, local
 * only.
 */
final class DelayingProxy implements AutoCloseable {
  private static final byte[] EOF = new byte[0];

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private record Chunk(long dueNanos, byte[] bytes) {}

  DelayingProxy(InetSocketAddress target, Duration oneWay) throws IOException {
    this.target = target;
    this.delayNanos = oneWay.toNanos();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "proxy-accept-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /** {@code 127.0.0.1:port} of the proxy. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(target.getAddress(), target.getPort());
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        sockets.add(in);
        sockets.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
              } catch (IOException e) {
                // the other side closed
              }
              queue.add(new Chunk(System.nanoTime() + delayNanos, EOF));
            },
            "proxy-read");
    Thread writer =
        new Thread(
            () -> {
              try {
                OutputStream out = to.getOutputStream();
                while (true) {
                  Chunk c = queue.take();
                  long wait;
                  while ((wait = c.dueNanos() - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  if (c.bytes() == EOF) {
                    to.shutdownOutput();
                    return;
                  }
                  out.write(c.bytes());
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // closed
              }
            },
            "proxy-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
