package io.trackflow.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.Await;
import io.trackflow.collector.HostileHits;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.collector.http.CollectorServer.RecordingPublisher;
import io.trackflow.core.config.Setting;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.trackflow.core.testdata.Fuzz;
import io.trackflow.core.testdata.Gen;
import io.trackflow.core.testdata.HostileInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The collector's endpoints over real HTTP against generated hostile requests, sent byte for byte
 * over fresh connections: bodies that are not JSON, not UTF-8 or nested past any limit, content
 * types and encodings it does not take, headers with bytes no browser sends, query strings with
 * broken escapes. Whatever arrives, the answer is never a 5xx, no exception escapes a handler, and
 * every hit received is accounted for (accepted, duplicate, bot, rejected for a reason, or lost).
 */
@DisplayName("The collector's endpoints over hostile HTTP requests")
class CollectorHttpFuzzTest {

  /** What the collector takes, and what it refuses. */
  private static final List<String> ACCEPTED_TYPES = List.of("application/json", "text/plain",
      "text/plain;charset=UTF-8", "application/json; charset=utf-16", "TEXT/PLAIN; charset=\"\u00e9\"");
  private static final List<String> REFUSED_TYPES = List.of("application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz", "", "application/octet-stream");
  private static final List<String> ENCODINGS = List.of("gzip", "deflate", "br", "identity", "gzip, gzip", "x");

  private static RecordingPublisher queue;
  private static CollectorServer server;

  /** HTTP versions a request line may claim; only the first two exist for this server. */
  private static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/1.2", "HTTP/2.0",
      "HTTP/1", "HTTPS/1.1");

  /**
   * One request as sent, shown readably when a property fails: chunk-size lines when the body is
   * sent chunked, else null.
   */
  record Exchange(String method, byte[] target, String version, List<Map.Entry<String, byte[]>> headers,
      byte[] body, List<String> chunks) {

    Exchange(String method, byte[] target, List<Map.Entry<String, byte[]>> headers, byte[] body) {
      this(method, target, "HTTP/1.1", headers, body, null);
    }

    boolean pixel() {
      return new String(target, StandardCharsets.ISO_8859_1).startsWith("/i");
    }

    /** An HTTP/1.x request whose framing the decoder takes: it must reach the routes. */
    boolean wellFramed() {
      return (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) && chunks == null;
    }

    byte[] bytes() {
      return RawHttp.request(method, target, version, headers, body, chunks);
    }

    @Override
    public String toString() {
      return Fuzz.show(bytes());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    queue = new RecordingPublisher();
    server = new CollectorServer(TestEnrichers.get(), queue,
        new InMemoryDeduplicator(Clock.systemUTC(), 3_600_000, 100_000),
        new InMemorySaltStore(),
        Map.of(Setting.TRUSTED_PROXIES, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Hostile beacons and pixels get a 2xx or 4xx, never a 5xx; nothing escapes a handler; every hit is counted once")
  void neverA5xx() {
    Fuzz.forAll(300, exchanges(), exchange -> {
      queue.events.clear();
      RawHttp.Answer answer = RawHttp.exchange(server.port, exchange.bytes());
      if (exchange.wellFramed()) {
        assertThat(answer.status()).as("the server answered: %s", answer.head()).isPositive();
        assertThat(answer.status()).as("status; answer head:\n%s", answer.head()).isLessThan(500);
      } else if (exchange.chunks() != null) {
        // A chunked body whose framing breaks ends its connection unanswered.
        assertThat(answer.status()).as("status; answer head:\n%s", answer.head()).isLessThan(500);
      } else {
        // A version this server does not speak is a 400 before any route; HTTP/1.2 is read as 1.1.
        assertThat(answer.status()).as("status; answer head:\n%s", answer.head()).isBetween(200, 499);
      }
      if (exchange.pixel() && answer.status() == 200) {
        assertThat(answer.body()).as("the GIF").hasSize(PixelHandler.GIF.length());
      } else if (exchange.pixel() && exchange.wellFramed()) {
        // Only a request line or headers the HTTP decoder refuses keep a pixel from its GIF.
        assertThat(answer.status()).isIn(400, 414, 431);
      }
      Await.until(() -> server.unsettled() == 0 || !server.escaped.isEmpty(), Duration.ofSeconds(30));
      assertNothingEscaped();
      assertThat(server.unsettled()).as("hits received but neither accepted, duplicate, bot, rejected nor lost")
          .isZero();
    });
  }

  @Test
  @DisplayName("A beacon prop beyond a double's range (1e400) is a 400 invalid_props, not a 500 (found by this fuzz test)")
  void infiniteProp() throws Exception {
    byte[] body = "{\"n\":\"pageview\",\"d\":\"example.com\",\"u\":\"https://example.com/\",\"p\":{\"x\":1e400}}"
        .getBytes(StandardCharsets.US_ASCII);
    double before = server.counter("trackflow.collector.hits.rejected", "reason", "invalid_props");
    RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("POST",
        "/api/event".getBytes(StandardCharsets.US_ASCII), List.of(Map.entry("Content-Type", ascii("text/plain")),
            Map.entry("User-Agent", ascii(CollectorHttpTest.FIREFOX))), body));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(new JsonObject(new String(answer.body(), StandardCharsets.UTF_8)).getString("code"))
        .isEqualTo("invalid_props");
    assertThat(server.counter("trackflow.collector.hits.rejected", "reason", "invalid_props")).isEqualTo(before + 1);
    assertNothingEscaped();
  }

  @Test
  @DisplayName("A form body longer than a form field may be is a 415 unread, not an exception outside any handler (found by this fuzz test)")
  void formBody() throws Exception {
    for (String type : List.of("multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded")) {
      double before = server.counter("trackflow.collector.hits.rejected", "reason", "unsupported_content_type");
      RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("POST", ascii("/api/event"),
          List.of(Map.entry("Content-Type", ascii(type))), ascii("a=" + "x".repeat(100_000))));
      assertThat(answer.status()).as(type).isEqualTo(415);
      assertThat(server.counter("trackflow.collector.hits.rejected", "reason", "unsupported_content_type"))
          .as(type).isEqualTo(before + 1);
    }
    assertNothingEscaped();
  }

  @Test
  @DisplayName("A compressed beacon, valid or corrupt, is a 415 naming the encoding, not a connection dropped without an answer (found by this fuzz test)")
  void compressedBody() throws Exception {
    byte[] event = utf8("{\"n\":\"pageview\",\"d\":\"example.com\",\"u\":\"https://example.com/\"}");
    for (Map.Entry<String, byte[]> body : List.of(Map.entry("gzip", gzip(event)), Map.entry("br", event),
        Map.entry("deflate", new byte[] {1, 2, 3}))) {
      RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("POST", ascii("/api/event"),
          List.of(Map.entry("Content-Type", ascii("text/plain")), Map.entry("Content-Encoding", ascii(body.getKey()))),
          body.getValue()));
      assertThat(answer.status()).as(body.getKey()).isEqualTo(415);
      assertThat(new JsonObject(new String(answer.body(), StandardCharsets.UTF_8)).getString("code"))
          .isEqualTo("unsupported_content_encoding");
    }
    assertNothingEscaped();
  }

  @Test
  @DisplayName("A chunked beacon whose chunk size is not a number ends its connection (its framing is lost), with no error logged (found by bench/abuse)")
  void brokenChunk() throws Exception {
    byte[] event = utf8("{\"n\":\"pageview\",\"d\":\"example.com\",\"u\":\"https://example.com/\"}");
    for (String size : List.of("ZZZ", "-1", "FFFFFFFFFFFFFFFFFF")) {
      RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("POST", ascii("/api/event"), "HTTP/1.1",
          List.of(Map.entry("Content-Type", ascii("text/plain"))), event, List.of(size)));
      // Vert.x closes a connection whose framing broke before anything can answer on it.
      assertThat(answer.status()).as("chunk size %s: %s", size, answer.head()).isIn(-1, 400);
    }
    assertNothingEscaped();
  }

  @Test
  @DisplayName("A request line claiming HTTP/9.9 or HTTPS/1.1 is a 400 unsupported_http_version and HTTP/1.2 is served as HTTP/1.1, not Vert.x's 501 (found by bench/abuse)")
  void unsupportedVersion() throws Exception {
    for (String target : List.of("/i?d=example.com", "/api/event", "/health/live")) {
      for (String version : List.of("HTTP/9.9", "HTTP/2.0", "HTTPS/1.1", "HTTP/0.9")) {
        RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("GET", ascii(target), version,
            List.of(), new byte[0], null));
        assertThat(answer.status()).as("%s %s: %s", version, target, answer.head()).isEqualTo(400);
        assertThat(new JsonObject(new String(answer.body(), StandardCharsets.UTF_8)).getString("code"))
            .as("%s %s", version, target).isEqualTo("unsupported_http_version");
      }
      int asHttp11 = RawHttp.exchange(server.port, RawHttp.request("GET", ascii(target), "HTTP/1.1", List.of(),
          new byte[0], null)).status();
      for (String version : List.of("HTTP/1.2", "http/1.1", "HTTP/1.0")) {
        RawHttp.Answer answer = RawHttp.exchange(server.port, RawHttp.request("GET", ascii(target), version,
            List.of(), new byte[0], null));
        assertThat(answer.status()).as("%s %s: %s", version, target, answer.head()).isEqualTo(asHttp11);
      }
    }
    assertNothingEscaped();
  }

  @BeforeEach
  void forgetEarlierFailures() {
    server.escaped.clear();
  }

  private static void assertNothingEscaped() {
    if (!server.escaped.isEmpty()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      server.escaped.get(0).printStackTrace(new java.io.PrintWriter(trace));
      throw new AssertionError(server.escaped.size() + " exception(s) escaped a handler; the first:\n" + trace);
    }
  }

  static Gen<Exchange> exchanges() {
    return Gen.<Exchange>weighted().add(6, beacons()).add(4, pixels()).add(2, preflights()).add(1, oddFraming());
  }

  /**
   * Beacons and pixels with a version no server speaks, or a chunked body with chunk-size lines
   * that are broken or dressed up. Never a size larger than the bytes that follow: that request is
   * not hostile but unfinished, and the server rightly waits for the rest.
   */
  private static Gen<Exchange> oddFraming() {
    Gen<Exchange> any = Gen.oneOf(beacons(), pixels());
    List<java.util.function.UnaryOperator<String>> sizeLines = List.of(size -> "ZZZ", size -> "-1",
        size -> "FFFFFFFFFFFFFFFFFF", size -> "", size -> "0x" + size, size -> " " + size,
        size -> size + ";ext=\"x\"", size -> size.toUpperCase(java.util.Locale.ROOT) + " ");
    return r -> {
      Exchange e = any.next(r);
      if (r.nextBoolean()) {
        return new Exchange(e.method(), e.target(), VERSIONS.get(r.nextInt(VERSIONS.size())), e.headers(), e.body(), null);
      }
      List<String> chunks = new ArrayList<>();
      int pieces = 1 + r.nextInt(3);
      for (int i = 0; i < pieces; i++) {
        int size = i == pieces - 1 ? e.body().length - (pieces - 1) * (e.body().length / pieces) : e.body().length / pieces;
        String line = Integer.toHexString(size);
        chunks.add(r.nextInt(3) == 0 ? sizeLines.get(r.nextInt(sizeLines.size())).apply(line) : line);
      }
      return new Exchange("POST", ascii("/api/event"), "HTTP/1.1", e.headers(), e.body(), chunks);
    };
  }

  private static Gen<Exchange> beacons() {
    Gen<byte[]> json = Gen.<byte[]>weighted()
        .add(4, HostileHits.events().map(e -> utf8(e.encode())))
        .add(2, HostileHits.events().list(120).map(list -> utf8(new JsonArray(new ArrayList<>(list)).encode())))
        .add(2, HostileInput.malformedJson())
        .add(1, HostileInput.json(3).map(v -> utf8(v instanceof JsonObject o ? o.encode()
            : v instanceof JsonArray a ? a.encode() : String.valueOf(v))))
        .add(1, Gen.constant(new byte[0]));
    // Mostly bodies the collector reads, so that the hostile values in them reach the pipeline.
    Gen<String> contentTypes = Gen.<String>weighted().add(8, Gen.of(ACCEPTED_TYPES)).add(1, Gen.of(REFUSED_TYPES))
        .add(1, HostileInput.strings());
    return r -> {
      List<Map.Entry<String, byte[]>> headers = browserHeaders(r);
      headers.add(Map.entry("Content-Type", headerBytes(contentTypes.next(r))));
      byte[] body = json.next(r);
      if (r.nextInt(20) == 0) {
        String encoding = ENCODINGS.get(r.nextInt(ENCODINGS.size()));
        headers.add(Map.entry("Content-Encoding", ascii(encoding)));
        // A valid gzip body as often as one that only claims to be.
        body = encoding.equals("gzip") && r.nextBoolean() ? gzip(body) : body;
      }
      return new Exchange("POST", ascii("/api/event"), headers, body);
    };
  }

  private static Gen<Exchange> pixels() {
    return r -> {
      Map<String, String> params = HostileHits.queries().next(r);
      String query = switch (r.nextInt(3)) {
        case 0 -> params.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        case 1 -> params.entrySet().stream().map(e -> loose(e.getKey()) + "=" + loose(e.getValue()))
            .collect(Collectors.joining("&"));
        default -> params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "%")
            .map(CollectorHttpFuzzTest::loose).collect(Collectors.joining(r.nextBoolean() ? "&" : ";"));
      };
      ByteArrayOutputStream target = new ByteArrayOutputStream();
      target.writeBytes(ascii("/i?"));
      target.writeBytes(query.getBytes(StandardCharsets.ISO_8859_1)); // one char per byte (see loose)
      List<Map.Entry<String, byte[]>> headers = browserHeaders(r);
      return new Exchange("GET", target.toByteArray(), headers, new byte[0]);
    };
  }

  private static Gen<Exchange> preflights() {
    return r -> {
      List<Map.Entry<String, byte[]>> headers = browserHeaders(r);
      headers.add(Map.entry("Origin", headerBytes(HostileInput.strings().next(r))));
      headers.add(Map.entry("Access-Control-Request-Headers", headerBytes(HostileInput.strings().next(r))));
      return new Exchange("OPTIONS", ascii("/api/event"), headers, new byte[0]);
    };
  }

  /** User-Agent, Referer and X-Forwarded-For, hostile or real, sometimes absent, rarely huge. */
  private static List<Map.Entry<String, byte[]>> browserHeaders(java.util.Random r) {
    List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
    for (String name : List.of("User-Agent", "Referer", "X-Forwarded-For")) {
      if (r.nextInt(5) > 0) {
        headers.add(Map.entry(name, headerBytes(HostileHits.headerValues().next(r))));
      }
    }
    if (r.nextInt(20) == 0) {
      headers.add(Map.entry("X-Padding", ascii("x".repeat(1 + r.nextInt(20_000)))));
    }
    return headers;
  }

  /** A header value's bytes: UTF-8, line breaks left out (they would end the header). */
  private static byte[] headerBytes(String value) {
    return value.replace("\r", "").replace("\n", "").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The UTF-8 bytes of {@code s}, one char per byte, escaping only what would break the request
   * line (space, controls): '%' and bytes above 0x7f stay raw.
   */
  private static String loose(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c == 0x7f) {
        out.append(String.format("%%%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
