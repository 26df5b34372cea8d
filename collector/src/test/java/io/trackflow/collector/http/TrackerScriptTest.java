package io.trackflow.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import io.trackflow.collector.Enrichers;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.collector.http.CollectorServer.RecordingPublisher;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrackerScriptTest {

  private static CollectorServer server;
  private static WebClient client;
  private static byte[] original;

  @BeforeAll
  static void start() throws Exception {
    server = server(TestEnrichers.get());
    client = client(server);
    try (InputStream in = TrackerScriptTest.class.getClassLoader().getResourceAsStream("test-tracker.js")) {
      original = in.readAllBytes();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  private static CollectorServer server(Enrichers enrichers) throws Exception {
    return new CollectorServer(enrichers, new RecordingPublisher(),
        new InMemoryDeduplicator(Clock.systemUTC(), 60_000, 1000),
        new InMemorySaltStore(), Map.of());
  }

  private static WebClient client(CollectorServer s) {
    return WebClient.create(s.vertx, new WebClientOptions().setDefaultPort(s.port)
        .setDefaultHost("127.0.0.1").setDecompressionSupported(false));
  }

  private static HttpResponse<Buffer> get(String acceptEncoding, String ifNoneMatch) throws Exception {
    var req = client.get("/tracker.js");
    if (acceptEncoding != null) {
      req.putHeader("Accept-Encoding", acceptEncoding);
    }
    if (ifNoneMatch != null) {
      req.putHeader("If-None-Match", ifNoneMatch);
    }
    return CollectorServer.await(req.send());
  }

  @Test
  @DisplayName("tracker.js is served gzipped to clients that accept gzip, with day-long caching, an ETag and Vary")
  void gzip() throws Exception {
    HttpResponse<Buffer> r = get("gzip, deflate", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.getHeader("Content-Type")).startsWith("application/javascript");
    assertThat(r.getHeader("Cache-Control")).contains("max-age=86400");
    assertThat(r.getHeader("Vary")).isEqualTo("Accept-Encoding");
    assertThat(r.getHeader("ETag")).isNotBlank();
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body().getBytes()))) {
      assertThat(in.readAllBytes()).isEqualTo(original);
    }
  }

  @Test
  @DisplayName("Brotli is preferred where the client accepts it (the native library must load on the build's platforms)")
  void brotli() throws Exception {
    // Not a skip: a build where Brotli does not load would otherwise check only gzip, unnoticed.
    assertThat(Brotli4jLoader.isAvailable())
        .as("native Brotli loads here (%s)", Brotli4jLoader.getUnavailabilityCause())
        .isTrue();
    HttpResponse<Buffer> r = get("gzip, deflate, br", null);
    assertThat(r.getHeader("Content-Encoding")).isEqualTo("br");
    assertThat(r.getHeader("ETag")).endsWith("-br\"");
    assertThat(Decoder.decompress(r.body().getBytes()).getDecompressedData()).isEqualTo(original);
  }

  @Test
  @DisplayName("Where native Brotli does not load, a client accepting br and gzip gets gzip")
  void gzipWithoutBrotli() throws Exception {
    Enrichers e = TestEnrichers.get();
    Enrichers gzipOnly = new Enrichers(e.userAgents(), e.geo(), e.referrers(),
        Optional.of(TrackerScript.withoutBrotli(original)));
    try (CollectorServer without = server(gzipOnly)) {
      WebClient c = client(without);
      HttpResponse<Buffer> r = CollectorServer.await(c.get("/tracker.js").putHeader("Accept-Encoding", "gzip, br").send());
      c.close();
      assertThat(r.getHeader("Content-Encoding")).isEqualTo("gzip");
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body().getBytes()))) {
        assertThat(in.readAllBytes()).isEqualTo(original);
      }
    }
  }

  @Test
  @DisplayName("Clients that accept no compression (or refuse it with q=0) get the script as is")
  void identity() throws Exception {
    for (String accept : new String[] {null, "gzip;q=0, br;q=0"}) {
      HttpResponse<Buffer> r = get(accept, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body().getBytes()).isEqualTo(original);
    }
  }

  @Test
  @DisplayName("A request carrying the current ETag gets 304 Not Modified with no body")
  void conditional() throws Exception {
    String etag = get("gzip", null).getHeader("ETag");
    HttpResponse<Buffer> r = get("gzip", etag);
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body() == null || r.body().length() == 0).isTrue();
    assertThat(get("gzip", "\"something-else\"").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("Without the built tracker on the classpath /tracker.js answers 404 while the rest of the collector works")
  void absentScriptIs404() throws Exception {
    Enrichers e = TestEnrichers.get();
    try (CollectorServer without = server(new Enrichers(e.userAgents(), e.geo(), e.referrers(), Optional.empty()))) {
      WebClient c = client(without);
      assertThat(CollectorServer.await(c.get("/tracker.js").send()).statusCode()).isEqualTo(404);
      assertThat(CollectorServer.await(c.get("/i?d=example.com&u=https://example.com/").send()).statusCode()).isEqualTo(200);
      c.close();
    }
  }

  @Test
  @DisplayName("Accept-Encoding parsing honours listed codings and q-values")
  void acceptEncodingParsing() {
    assertThat(TrackerScript.accepts("gzip, br", "br")).isTrue();
    assertThat(TrackerScript.accepts("gzip;q=1.0, br;q=0", "br")).isFalse();
    assertThat(TrackerScript.accepts("deflate", "gzip")).isFalse();
    assertThat(TrackerScript.accepts(null, "gzip")).isFalse();
    assertThat(TrackerScript.accepts("GZIP;q=0.5", "gzip")).isTrue();
  }
}
