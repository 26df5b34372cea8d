package io.trackflow.collector.enrich;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SipHash-2-4: a fast keyed 64-bit hash. Keyed with the daily salt it makes visitor ids that
 * cannot be recomputed (or reversed into an IP) once the salt is gone.
 */
public final class SipHash {

  private final long k0;
  private final long k1;

  /** @param key 16 bytes */
  public SipHash(byte[] key) {
    if (key.length != 16) {
      throw new IllegalArgumentException("SipHash needs a 16-byte key");
    }
    ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
    this.k0 = b.getLong(0);
    this.k1 = b.getLong(8);
  }

  public SipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The hash of {@code data[0..length)}. */
  public long hash(byte[] data, int length) {
    long v0 = 0x736f6d6570736575L ^ k0;
    long v1 = 0x646f72616e646f6dL ^ k1;
    long v2 = 0x6c7967656e657261L ^ k0;
    long v3 = 0x7465646279746573L ^ k1;
    int end = length - (length % 8);
    for (int i = 0; i < end; i += 8) {
      long m = littleEndian(data, i);
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long last = ((long) length & 0xff) << 56;
    for (int i = end; i < length; i++) {
      last |= (data[i] & 0xffL) << (8 * (i - end));
    }
    v3 ^= last;
    for (int r = 0; r < 2; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= last;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }

  /**
   * Hash of the parts, each as UTF-8 followed by a 0 byte so parts cannot run together
   * (characters beyond U+FFFF as their two surrogates, 3 bytes each).
   */
  public long hash(String... parts) {
    int size = 0;
    for (String p : parts) {
      size += p.length() * 3 + 1;
    }
    byte[] buf = new byte[size];
    int n = 0;
    for (String p : parts) {
      n = putUtf8(p, buf, n);
      buf[n++] = 0;
    }
    return hash(buf, n);
  }

  private static int putUtf8(String s, byte[] out, int pos) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[pos++] = (byte) c;
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | (c >> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      } else {
        // Surrogates are hashed as their own 3-byte units: consistent, which is all a hash needs.
        out[pos++] = (byte) (0xe0 | (c >> 12));
        out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return pos;
  }

  private static long littleEndian(byte[] d, int i) {
    return (d[i] & 0xffL) | (d[i + 1] & 0xffL) << 8 | (d[i + 2] & 0xffL) << 16
        | (d[i + 3] & 0xffL) << 24 | (d[i + 4] & 0xffL) << 32 | (d[i + 5] & 0xffL) << 40
        | (d[i + 6] & 0xffL) << 48 | (d[i + 7] & 0xffL) << 56;
  }
}
