package io.trackflow.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A Redis server without persistence ({@code --save "" --appendonly no}) on a free loopback port. */
public final class RedisService extends RealService {

  static final List<String> BINARIES = List.of("/usr/bin/redis-server", "redis-server");

  private final Path binary;
  private int port;

  private RedisService(Path binary) {
    super("Redis");
    this.binary = binary;
    choosePorts();
  }

  /** A stopped instance; fails first if redis-server is missing. */
  static RedisService create() {
    return new RedisService(Host.requireExecutable("redis-server", BINARIES, "redis-server"));
  }

  /** Starts a private Redis; the caller closes it. Tests usually share one via {@link RealServices}. */
  public static RedisService launch() {
    return RealServices.started(create());
  }

  /** Loopback host the server listens on. */
  public String host() {
    return "127.0.0.1";
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** Connection string for clients, e.g. {@code redis://127.0.0.1:41234}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** A fresh key prefix ending in ':' so tests sharing the server never see each other's keys. */
  public String newKeyPrefix() {
    return TestNames.unique("t") + ":";
  }

  @Override
  void choosePorts() {
    port = FreePorts.allocate(1)[0];
  }

  @Override
  void configure() {
    // Everything is given on the command line.
  }

  @Override
  List<String> command() {
    return List.of(binary.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--dir", directory().toString());
  }

  @Override
  boolean probe() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(1000);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      // "-LOADING ..." while it loads a dataset; only +PONG means it serves commands.
      return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    }
  }

  @Override
  String endpoint() {
    return uri();
  }
}
