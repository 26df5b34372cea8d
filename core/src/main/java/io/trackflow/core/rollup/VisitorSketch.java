package io.trackflow.core.rollup;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The distinct visitors of one rollup row as text (both stores keep it in a string column), and
 * their union over rows. A row with few visitors keeps the ids themselves ({@code i:}); a larger
 * one a HyperLogLog sketch ({@code h:}): 2^14 six-bit registers, merged by taking the larger
 * register, estimated with Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), whose relative standard error is 1.04 / sqrt(2^14) ≈ 0.81% over
 * the whole range without bias tables; while fewer than a quarter of the registers are set, only
 * those are written ({@code s:}). A union stays an exact set while every part is an id list
 * and it holds at most its exact limit; otherwise it is a sketch, and approximate.
 *
 * <p>Keeping small rows exact is what keeps small and medium sites' visitors exact. The sketch is
 * written here rather than taken from Apache DataSketches: datasketches-java 6.1.1 needs
 * datasketches-memory 3.0.2, which refuses to start on JDK 25 (the JDK the build and the jar run
 * on), 7.x needs the removed jdk.incubator.foreign, 8.x preview features of JDK 21.
 */
public final class VisitorSketch {

  /** log2 of the register count. */
  public static final int P = 14;
  private static final int M = 1 << P;
  /** Rows with at most this many visitors store the ids (8 bytes each: about half a sketch's size). */
  public static final int EXACT_IDS = 1024;
  /** The relative standard error of a sketch's estimate. */
  public static final double RELATIVE_ERROR = 1.04 / Math.sqrt(M);

  private static final String IDS = "i:";
  private static final String HLL = "h:";
  /** A sketch with few registers set: index and value of each, three bytes apiece. */
  private static final String SPARSE = "s:";
  private static final int Q = 64 - P;

  private VisitorSketch() {}

  /** The text of a row with these distinct visitor ids. */
  public static String encode(Collection<Long> ids) {
    if (ids.size() <= EXACT_IDS) {
      ByteBuffer bytes = ByteBuffer.allocate(ids.size() * Long.BYTES);
      ids.forEach(bytes::putLong);
      return IDS + Base64.getEncoder().encodeToString(bytes.array());
    }
    byte[] registers = new byte[M];
    ids.forEach(id -> add(registers, id));
    int set = 0;
    for (byte r : registers) {
      set += r == 0 ? 0 : 1;
    }
    if (set * 3 >= M / 4 * 3) {
      return HLL + Base64.getEncoder().encodeToString(pack(registers));
    }
    ByteBuffer sparse = ByteBuffer.allocate(set * 3);
    for (int i = 0; i < M; i++) {
      if (registers[i] != 0) {
        int entry = i << 6 | registers[i];
        sparse.put((byte) (entry >>> 16)).put((byte) (entry >>> 8)).put((byte) entry);
      }
    }
    return SPARSE + Base64.getEncoder().encodeToString(sparse.array());
  }

  private static void sparseMax(byte[] sparse, byte[] into) {
    if (sparse.length % 3 != 0) {
      throw new IllegalArgumentException("not a visitor sketch: " + sparse.length + " bytes");
    }
    for (int o = 0; o < sparse.length; o += 3) {
      int entry = (sparse[o] & 0xff) << 16 | (sparse[o + 1] & 0xff) << 8 | (sparse[o + 2] & 0xff);
      byte r = (byte) (entry & 0x3f);
      int index = entry >>> 6;
      if (r > into[index]) {
        into[index] = r;
      }
    }
  }

  private static void add(byte[] registers, long id) {
    long hash = mix(id);
    int index = (int) (hash >>> Q);
    // The rank of the first 1 bit in the remaining Q bits (Q + 1 when all are 0).
    int rank = Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1;
    if (rank > registers[index]) {
      registers[index] = (byte) rank;
    }
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser: ids spread over all 64 bits. */
  static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  /** Registers (at most 51, six bits) packed four to three bytes. */
  private static byte[] pack(byte[] registers) {
    byte[] packed = new byte[M / 4 * 3];
    for (int i = 0, o = 0; i < M; i += 4, o += 3) {
      int bits = registers[i] << 18 | registers[i + 1] << 12 | registers[i + 2] << 6 | registers[i + 3];
      packed[o] = (byte) (bits >>> 16);
      packed[o + 1] = (byte) (bits >>> 8);
      packed[o + 2] = (byte) bits;
    }
    return packed;
  }

  private static void unpackMax(byte[] packed, byte[] into) {
    if (packed.length != M / 4 * 3) {
      throw new IllegalArgumentException("not a visitor sketch: " + packed.length + " bytes");
    }
    for (int i = 0, o = 0; i < M; i += 4, o += 3) {
      int bits = (packed[o] & 0xff) << 16 | (packed[o + 1] & 0xff) << 8 | (packed[o + 2] & 0xff);
      for (int k = 0; k < 4; k++) {
        byte r = (byte) ((bits >>> (18 - 6 * k)) & 0x3f);
        if (r > into[i + k]) {
          into[i + k] = r;
        }
      }
    }
  }

  /** Ertl's improved raw estimator over the registers' histogram. */
  static double estimate(byte[] registers) {
    int[] counts = new int[Q + 2];
    for (byte r : registers) {
      counts[r]++;
    }
    double z = M * tau(1 - (double) counts[Q + 1] / M);
    for (int k = Q; k >= 1; k--) {
      z = 0.5 * (z + counts[k]);
    }
    z += M * sigma((double) counts[0] / M);
    return M / (2 * Math.log(2)) * M / z;
  }

  private static double sigma(double x) {
    if (x == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double y = 1;
    double z = x;
    double previous;
    do {
      x *= x;
      previous = z;
      z += x * y;
      y += y;
    } while (z != previous);
    return z;
  }

  private static double tau(double x) {
    if (x == 0 || x == 1) {
      return 0;
    }
    double y = 1;
    double z = 1 - x;
    double previous;
    do {
      x = Math.sqrt(x);
      previous = z;
      y *= 0.5;
      z -= Math.pow(1 - x, 2) * y;
    } while (z != previous);
    return z / 3;
  }

  /** Visitors of several rows together; not thread-safe. */
  public static final class Union {
    private final int exactLimit;
    private Set<Long> ids = new HashSet<>();
    private byte[] registers;

    /** A union that stays exact up to {@code exactLimit} distinct ids. */
    public Union(int exactLimit) {
      this.exactLimit = exactLimit;
    }

    /** Adds a row's visitors (its text as {@link #encode} wrote it; empty for none). */
    public void addText(String text) {
      if (text == null || text.isEmpty()) {
        return;
      }
      byte[] bytes = Base64.getDecoder().decode(text.substring(2));
      if (text.startsWith(IDS)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          add(buffer.getLong());
        }
      } else if (text.startsWith(HLL)) {
        unpackMax(bytes, toSketch());
      } else if (text.startsWith(SPARSE)) {
        sparseMax(bytes, toSketch());
      } else {
        throw new IllegalArgumentException("not a visitor sketch: " + text.substring(0, Math.min(8, text.length())));
      }
    }

    /** Adds one visitor id. */
    public void add(long id) {
      if (registers != null) {
        VisitorSketch.add(registers, id);
        return;
      }
      ids.add(id);
      if (ids.size() > exactLimit) {
        toSketch();
      }
    }

    private byte[] toSketch() {
      if (registers == null) {
        registers = new byte[M];
        ids.forEach(id -> VisitorSketch.add(registers, id));
        ids = null;
      }
      return registers;
    }

    /** The number of distinct visitors: exact when {@link #exact()}, else the sketch's estimate. */
    public long estimate() {
      return registers == null ? ids.size() : Math.round(VisitorSketch.estimate(registers));
    }

    /** True when {@link #estimate()} counted the ids themselves, not a sketch. */
    public boolean exact() {
      return registers == null;
    }
  }
}
