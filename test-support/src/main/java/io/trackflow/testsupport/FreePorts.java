package io.trackflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks free loopback ports; a service that loses the race is restarted on fresh ones. */
public final class FreePorts {

  private FreePorts() {}

  /** Returns {@code count} distinct ports that were free a moment ago. */
  public static int[] allocate(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      // Holding all sockets open at once keeps the kernel from handing out one port twice.
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot allocate a free loopback port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a listening socket that never accepted cannot lose anything.
        }
      }
    }
  }
}
