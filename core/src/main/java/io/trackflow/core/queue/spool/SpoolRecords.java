package io.trackflow.core.queue.spool;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.vertx.core.buffer.Buffer;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The spool's on-disk record: {@code magic (4) | length (4) | crc32c (4) | payload (length)},
 * big-endian, where the payload is the {@link EventCodec} encoding of the record's events and the
 * checksum covers the length field and the payload. The magic lets a reader find the next record
 * after a damaged one: a length field that was hit would otherwise make everything behind it
 * unreadable.
 */
final class SpoolRecords {

  /** "TFS1": TrackFlow spool, format 1. */
  static final int MAGIC = 0x54465331;
  static final int HEADER_BYTES = 12;
  /** Far above any record the collector writes (a batch of ~1,000 events is ~250 KB). */
  static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

  private SpoolRecords() {}

  /** The record holding {@code events}, ready to be written. */
  static ByteBuffer encode(List<Event> events) {
    Buffer payload = EventCodec.encode(events);
    int length = payload.length();
    ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + length);
    record.putInt(MAGIC).putInt(length).putInt(checksum(length, payload.getBytes()));
    record.put(payload.getBytes());
    return record.flip();
  }

  static int checksum(int length, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(length).flip());
    crc.update(payload);
    return (int) crc.getValue();
  }

  /** A record read back: its events and where it starts and ends in its segment. */
  record Read(List<Event> events, long start, long end) {}

  /**
   * Reads the record starting at {@code position} of a segment whose content ends at {@code end};
   * null when no intact record starts there: a wrong magic, a length out of range, a record cut
   * short, a checksum that does not match, or a payload that does not decode.
   */
  static Read readAt(FileChannel channel, long position, long end) throws IOException {
    if (end - position < HEADER_BYTES) {
      return null;
    }
    ByteBuffer header = readFully(channel, position, HEADER_BYTES);
    if (header.getInt() != MAGIC) {
      return null;
    }
    int length = header.getInt();
    int crc = header.getInt();
    if (length < 0 || length > MAX_PAYLOAD_BYTES || end - position - HEADER_BYTES < length) {
      return null;
    }
    byte[] payload = readFully(channel, position + HEADER_BYTES, length).array();
    if (checksum(length, payload) != crc) {
      return null;
    }
    List<Event> events;
    try {
      events = EventCodec.decode(Buffer.buffer(payload));
    } catch (IllegalArgumentException e) {
      return null;
    }
    return new Read(events, position, position + HEADER_BYTES + length);
  }

  /**
   * The position of the next intact record after {@code damaged} (where no intact record
   * starts), or {@code end} when there is none: skips a damaged stretch by looking for the magic
   * of a record that reads. Reads the rest of the segment at once; damage is rare and segments
   * are small.
   */
  static long nextIntact(FileChannel channel, long damaged, long end) throws IOException {
    long from = damaged + 1;
    if (end - from < HEADER_BYTES) {
      return end;
    }
    byte[] rest = readFully(channel, from, (int) (end - from)).array();
    for (int i = 0; i + HEADER_BYTES <= rest.length; i++) {
      if (rest[i] == (byte) (MAGIC >>> 24) && ByteBuffer.wrap(rest, i, 4).getInt() == MAGIC
          && readAt(channel, from + i, end) != null) {
        return from + i;
      }
    }
    return end;
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("spool segment ends at " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }
}
