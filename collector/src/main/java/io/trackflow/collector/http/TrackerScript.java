package io.trackflow.collector.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /tracker.js}: the built tracker, compressed once at start-up (brotli at its highest
 * quality where the native brotli library loads on this platform, gzip always), served with an
 * ETag and day-long caching. The URL is not versioned, so the cache lifetime is a day with
 * revalidation rather than "immutable".
 */
public final class TrackerScript {

  private static final Logger log = LoggerFactory.getLogger(TrackerScript.class);

  /** Classpath location of the tracker built by the tracker module. */
  public static final String DEFAULT_RESOURCE = "trackflow/tracker/tracker.js";
  static final String CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";

  private final Buffer identity;
  private final Buffer gzip;
  private final Buffer brotli;
  private final String tag;

  private TrackerScript(byte[] script, boolean tryBrotli) {
    this.identity = Buffer.buffer(script);
    this.gzip = Buffer.buffer(gzip(script));
    byte[] br = tryBrotli ? brotli(script) : null;
    this.brotli = br == null ? null : Buffer.buffer(br);
    this.tag = HexFormat.of().formatHex(sha256(script), 0, 8);
  }

  /** Loads and compresses the script (blocking: call off the event loop); empty when absent. */
  public static Optional<TrackerScript> load(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        log.warn("{} is not on the classpath; /tracker.js answers 404", resource);
        return Optional.empty();
      }
      TrackerScript script = new TrackerScript(in.readAllBytes(), true);
      log.info("Serving /tracker.js: {} bytes, {} gzipped{}", script.identity.length(),
          script.gzip.length(), script.brotli == null ? " (brotli unavailable on this platform)"
              : ", " + script.brotli.length() + " brotli");
      return Optional.of(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The script as served where native Brotli does not load: gzip and identity only. */
  static TrackerScript withoutBrotli(byte[] script) {
    return new TrackerScript(script, false);
  }

  public boolean hasBrotli() {
    return brotli != null;
  }

  public void handle(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept-Encoding");
    String encoding = brotli != null && accepts(accept, "br") ? "br"
        : accepts(accept, "gzip") ? "gzip" : null;
    String etag = "\"" + tag + (encoding == null ? "" : "-" + encoding) + "\"";
    var response = ctx.response()
        .putHeader("Content-Type", "application/javascript; charset=utf-8")
        .putHeader("Cache-Control", CACHE_CONTROL)
        .putHeader("Vary", "Accept-Encoding")
        .putHeader("ETag", etag)
        .putHeader("Access-Control-Allow-Origin", "*");
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(tag) || ifNoneMatch.trim().equals("*"))) {
      response.setStatusCode(304).end();
      return;
    }
    if (encoding == null) {
      // Already as small as it gets here; stop the server compressing it again per request.
      response.putHeader("Content-Encoding", "identity").end(identity);
    } else {
      response.putHeader("Content-Encoding", encoding).end("br".equals(encoding) ? brotli : gzip);
    }
  }

  /** True when the Accept-Encoding header lists the coding with a non-zero quality. */
  static boolean accepts(String header, String coding) {
    if (header == null) {
      return false;
    }
    for (String part : header.toLowerCase(Locale.ROOT).split(",")) {
      String[] pieces = part.trim().split(";");
      if (!pieces[0].trim().equals(coding)) {
        continue;
      }
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim();
        if (p.startsWith("q=")) {
          try {
            return Double.parseDouble(p.substring(2)) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] brotli(byte[] data) {
    try {
      if (!Brotli4jLoader.isAvailable()) {
        return null;
      }
      return Encoder.compress(data, new Encoder.Parameters().setQuality(11)
          .setMode(Encoder.Mode.TEXT));
    } catch (IOException | LinkageError | RuntimeException e) {
      log.info("Brotli unavailable ({}); /tracker.js is served gzipped", e.toString());
      return null;
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
