package io.trackflow.core.event;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary form of events on the queue (documented in docs/serialization.md).
 *
 * <p>A record holds one or more events: a format byte, a varint event count, then each event's
 * fields in declaration order (the session totals: start as 8 bytes, end − start, events,
 * pageviews and interactive as varints, entry and exit page; then the revenue: micros as 8 bytes,
 * currency; then the region and the city). Strings are varint length + UTF-8, longs are 8 bytes big-endian,
 * ints are varints. Several events of one visitor share a record so the queue sees fewer, larger
 * messages while one visitor's events stay in one partition.
 */
public final class EventCodec {

  /** The first format: events without session totals (still decoded, as {@link SessionTotals#NONE}). */
  public static final byte FORMAT_V1 = 1;

  /** V1's fields, then each event's session totals (still decoded, without revenue). */
  public static final byte FORMAT_V2 = 2;

  /** V2's fields, then each event's revenue (still decoded, without region and city). */
  public static final byte FORMAT_V3 = 3;

  /** The current format: V3's fields, then each event's region and city. */
  public static final byte FORMAT_V4 = 4;

  private EventCodec() {}

  public static Buffer encode(List<Event> events) {
    Buffer out = Buffer.buffer(events.size() * 256);
    out.appendByte(FORMAT_V4);
    writeVarint(out, events.size());
    for (Event e : events) {
      out.appendLong(e.eventId());
      writeString(out, e.site());
      out.appendLong(e.timestampMillis());
      writeString(out, e.name());
      writeString(out, e.hostname());
      writeString(out, e.pathname());
      writeString(out, e.referrer());
      writeString(out, e.referrerSource());
      writeString(out, e.utmSource());
      writeString(out, e.utmMedium());
      writeString(out, e.utmCampaign());
      writeString(out, e.utmTerm());
      writeString(out, e.utmContent());
      out.appendLong(e.visitorId());
      out.appendLong(e.sessionId());
      writeString(out, e.browser());
      writeString(out, e.browserVersion());
      writeString(out, e.os());
      writeString(out, e.osVersion());
      writeString(out, e.device());
      writeString(out, e.country());
      writeString(out, e.screenSize());
      writeVarint(out, e.propKeys().size());
      for (int i = 0; i < e.propKeys().size(); i++) {
        writeString(out, e.propKeys().get(i));
        writeString(out, e.propValues().get(i));
      }
      out.appendByte((byte) (e.interactive() ? 1 : 0));
      writeVarint(out, e.scrollDepth());
      writeVarint(out, e.engagementMillis());
      SessionTotals t = e.session();
      out.appendLong(t.startMillis());
      writeVarint(out, Math.max(0, t.endMillis() - t.startMillis()));
      writeVarint(out, t.events());
      writeVarint(out, t.pageviews());
      writeVarint(out, t.interactive());
      writeString(out, t.entryPage());
      writeString(out, t.exitPage());
      out.appendLong(e.revenueMicros());
      writeString(out, e.revenueCurrency());
      writeString(out, e.region());
      writeString(out, e.city());
    }
    return out;
  }

  /** Decodes a record; throws {@link IllegalArgumentException} on a malformed or unknown one. */
  public static List<Event> decode(Buffer in) {
    try {
      Reader r = new Reader(in);
      byte format = in.getByte(r.pos++);
      if (format < FORMAT_V1 || format > FORMAT_V4) {
        throw new IllegalArgumentException("unknown event record format " + format);
      }
      int count = (int) r.varint();
      List<Event> events = new ArrayList<>(count);
      for (int n = 0; n < count; n++) {
        long eventId = r.int64();
        String site = r.string();
        long ts = r.int64();
        String name = r.string();
        String hostname = r.string();
        String pathname = r.string();
        String referrer = r.string();
        String referrerSource = r.string();
        String utmSource = r.string();
        String utmMedium = r.string();
        String utmCampaign = r.string();
        String utmTerm = r.string();
        String utmContent = r.string();
        long visitorId = r.int64();
        long sessionId = r.int64();
        String browser = r.string();
        String browserVersion = r.string();
        String os = r.string();
        String osVersion = r.string();
        String device = r.string();
        String country = r.string();
        String screenSize = r.string();
        int props = (int) r.varint();
        List<String> keys = new ArrayList<>(props);
        List<String> values = new ArrayList<>(props);
        for (int i = 0; i < props; i++) {
          keys.add(r.string());
          values.add(r.string());
        }
        boolean interactive = in.getByte(r.pos++) != 0;
        int scrollDepth = (int) r.varint();
        long engagementMillis = r.varint();
        SessionTotals session = SessionTotals.NONE;
        if (format >= FORMAT_V2) {
          long start = r.int64();
          long end = start + r.varint();
          session = new SessionTotals(start, end, (int) r.varint(), (int) r.varint(),
              (int) r.varint(), r.string(), r.string());
        }
        long revenueMicros = 0;
        String revenueCurrency = "";
        if (format >= FORMAT_V3) {
          revenueMicros = r.int64();
          revenueCurrency = r.string();
        }
        String region = format >= FORMAT_V4 ? r.string() : "";
        String city = format >= FORMAT_V4 ? r.string() : "";
        events.add(new Event(eventId, site, ts, name, hostname, pathname, referrer, referrerSource,
            utmSource, utmMedium, utmCampaign, utmTerm, utmContent, visitorId, sessionId, browser,
            browserVersion, os, osVersion, device, country, region, city, screenSize, keys, values, interactive,
            scrollDepth, engagementMillis, session, revenueMicros, revenueCurrency));
      }
      if (r.pos != in.length()) {
        throw new IllegalArgumentException("trailing bytes after event record");
      }
      return events;
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated event record", e);
    }
  }

  private static void writeString(Buffer out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, bytes.length);
    out.appendBytes(bytes);
  }

  private static void writeVarint(Buffer out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.appendByte((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.appendByte((byte) value);
  }

  private static final class Reader {
    private final Buffer in;
    private int pos;

    Reader(Buffer in) {
      this.in = in;
    }

    long int64() {
      long v = in.getLong(pos);
      pos += 8;
      return v;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = in.getByte(pos++);
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    String string() {
      int length = (int) varint();
      if (length > in.length() - pos) {
        throw new IllegalArgumentException("string length past end of record");
      }
      String s = in.getString(pos, pos + length, "UTF-8");
      pos += length;
      return s;
    }
  }
}
