package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.store.EventsSchema;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes events as ClickHouse {@code RowBinary} rows in {@link EventsSchema#COLUMNS} order, and
 * sessions in {@link EventsSchema#SESSION_COLUMNS} order, and gzips them: the most compact insert
 * body ClickHouse 18.16 and current releases both accept. CPU-bound (a 10,000-row batch takes
 * milliseconds), so it runs on a worker thread.
 */
final class RowBinaryEncoder {

  /** The insert statement the encoded rows belong to. */
  static final String INSERT = "INSERT INTO " + EventsSchema.TABLE + " ("
      + String.join(", ", EventsSchema.COLUMNS) + ") FORMAT RowBinary";

  /** The insert of rows without revenue, as releases before schema version 3 wrote them. */
  static final String INSERT_BEFORE_REVENUE = "INSERT INTO " + EventsSchema.TABLE + " ("
      + String.join(", ", ClickHouseMigrations.V2_COLUMNS) + ") FORMAT RowBinary";

  /** The insert statement of the sessions table's rows. */
  static final String INSERT_SESSIONS = "INSERT INTO " + EventsSchema.SESSIONS_TABLE + " ("
      + String.join(", ", EventsSchema.SESSION_COLUMNS) + ") FORMAT RowBinary";

  private static final int SCRATCH = 64 * 1024;

  private final OutputStream out;
  private final byte[] scratch = new byte[SCRATCH];
  private int pos;

  private RowBinaryEncoder(OutputStream out) {
    this.out = out;
  }

  /** The gzip-compressed RowBinary body for {@code events}. */
  static Buffer gzip(List<Event> events) {
    return gzip(events, RowBinaryEncoder::row);
  }

  /** The body of {@link #INSERT_BEFORE_REVENUE}: the rows an upgrade from version 1 or 2 finds. */
  static Buffer gzipBeforeRevenue(List<Event> events) {
    return gzip(events, RowBinaryEncoder::rowBeforeRevenue);
  }

  /**
   * The gzip-compressed RowBinary body of the sessions rows of {@code newest}: one event per
   * session, carrying that session's newest totals ({@link EventsSchema#newestPerSession}).
   */
  static Buffer gzipSessions(List<Event> newest) {
    return gzip(newest, RowBinaryEncoder::sessionRow);
  }

  private interface RowWriter {
    void write(RowBinaryEncoder encoder, Event e) throws IOException;
  }

  private static Buffer gzip(List<Event> events, RowWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, events.size() * 60));
    try (GZIPOutputStream gzip = new FastGzip(bytes)) {
      RowBinaryEncoder encoder = new RowBinaryEncoder(gzip);
      for (Event e : events) {
        writer.write(encoder, e);
      }
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  private void source(Event e) throws IOException {
    string(e.referrer());
    string(e.referrerSource());
    string(e.utmSource());
    string(e.utmMedium());
    string(e.utmCampaign());
    string(e.utmTerm());
    string(e.utmContent());
  }

  private void sessionRow(Event e) throws IOException {
    SessionTotals t = e.session();
    long start = EventsSchema.storedMillis(t.startMillis());
    string(e.site());
    int64(e.sessionId());
    int64(e.visitorId());
    uint32(Math.floorDiv(start, 1000));
    int64(start);
    int64(EventsSchema.storedMillis(t.endMillis()));
    uint32(t.events());
    uint32(t.pageviews());
    uint32(t.interactive());
    string(t.entryPage());
    string(t.exitPage());
    source(e);
    string(e.country());
    string(e.device());
    string(e.browser());
    string(e.browserVersion());
    string(e.os());
    string(e.osVersion());
    int64(EventsSchema.storedMillis(t.entryMillis()));
    int64(EventsSchema.storedMillis(t.exitMillis()));
    int64(EventsSchema.storedMillis(t.lastActivityMillis()));
    uint32(t.revision());
    int32(t.queuePartition());
    int64(t.firstPosition());
    int64(t.lastPosition());
    string(e.region());
    string(e.city());
  }

  private void row(Event e) throws IOException {
    rowBeforeRevenue(e);
    int64(e.revenueMicros());
    string(e.revenueCurrency());
    string(e.region());
    string(e.city());
  }

  private void rowBeforeRevenue(Event e) throws IOException {
    long millis = EventsSchema.storedMillis(e.timestampMillis());
    int64(e.eventId());
    string(e.site());
    uint32(Math.floorDiv(millis, 1000));
    int64(millis);
    string(e.name());
    string(e.hostname());
    string(e.pathname());
    source(e);
    int64(e.visitorId());
    int64(e.sessionId());
    string(e.browser());
    string(e.browserVersion());
    string(e.os());
    string(e.osVersion());
    string(e.device());
    string(e.country());
    string(e.screenSize());
    strings(e.propKeys());
    strings(e.propValues());
    ensure(1);
    scratch[pos++] = (byte) (e.interactive() ? 1 : 0);
    int32(e.scrollDepth());
    int64(e.engagementMillis());
  }

  private void strings(List<String> values) throws IOException {
    varint(values.size());
    for (String v : values) {
      string(v);
    }
  }

  private void string(String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    varint(utf8.length);
    if (utf8.length > SCRATCH - pos) {
      flush();
      if (utf8.length > SCRATCH) {
        out.write(utf8);
        return;
      }
    }
    System.arraycopy(utf8, 0, scratch, pos, utf8.length);
    pos += utf8.length;
  }

  private void varint(long value) throws IOException {
    ensure(10);
    long v = value;
    while ((v & ~0x7FL) != 0) {
      scratch[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    scratch[pos++] = (byte) v;
  }

  private void int64(long v) throws IOException {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      scratch[pos++] = (byte) (v >>> (8 * i));
    }
  }

  private void int32(int v) throws IOException {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      scratch[pos++] = (byte) (v >>> (8 * i));
    }
  }

  private void uint32(long v) throws IOException {
    int32((int) v);
  }

  private void ensure(int bytes) throws IOException {
    if (SCRATCH - pos < bytes) {
      flush();
    }
  }

  private void flush() throws IOException {
    out.write(scratch, 0, pos);
    pos = 0;
  }

  /** Gzip at the fastest level: on loopback and LAN the CPU, not the bytes, is what costs. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, SCRATCH);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
