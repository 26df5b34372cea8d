package io.trackflow.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Connections that go quiet are closed by the server once idle (here after 300 ms rather than
 * {@link HttpServerVerticle#IDLE_TIMEOUT}), whether they stopped inside a request or after one.
 */
@DisplayName("Idle connections: the server closes a connection that stops sending, instead of holding it for good")
class IdleConnectionTest {

  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpRoutes routes = (v, router) -> router.get("/plain").handler(ctx -> ctx.json(new JsonObject().put("ok", true)));
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(routes), Duration.ofMillis(300));
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A TLS ClientHello sent to the plain HTTP port (a request line that never ends) is closed once idle")
  void unfinishedRequestLine() throws Exception {
    byte[] hello = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03, 0x5a, 0x7b};
    assertThat(untilClosed(hello)).as("nothing answered, the connection closed").isEmpty();
  }

  @Test
  @DisplayName("Half a request head (no blank line yet) is closed once idle")
  void unfinishedHead() throws Exception {
    assertThat(untilClosed("POST /plain HTTP/1.1\r\nHost: x\r\nContent-Le".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
  }

  @Test
  @DisplayName("A keep-alive connection is answered, then closed once idle")
  void idleAfterAnswer() throws Exception {
    String answer = untilClosed("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(answer).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":true}");
  }

  /** Sends the bytes, then reads until the server closes the connection; what it answered first. */
  private static String untilClosed(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      // A safety net far above the idle timeout: without it, a held connection hangs the test.
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketException reset) {
        // Closed with unread bytes: a reset is a close too.
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
