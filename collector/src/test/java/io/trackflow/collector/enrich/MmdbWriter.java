package io.trackflow.collector.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small IPv4 databases in the MaxMind DB format (search tree, data section, metadata;
 * https://maxmind.github.io/MaxMind-DB/), so tests can give the collector a city database with
 * known answers: real city databases may not be redistributed. Values are strings, maps and
 * lists; networks must not overlap.
 */
final class MmdbWriter {

  private static final int NO_DATA = -1;

  private final String databaseType;
  private final List<int[]> nodes = new ArrayList<>();
  private final List<Object> records = new ArrayList<>();

  MmdbWriter(String databaseType) {
    this.databaseType = databaseType;
    nodes.add(new int[] {NO_DATA, NO_DATA});
  }

  /** Maps every address of {@code cidr} (e.g. 81.2.69.0/24) to {@code record}. */
  MmdbWriter put(String cidr, Map<String, Object> record) throws IOException {
    String[] parts = cidr.split("/");
    byte[] address = InetAddress.getByName(parts[0]).getAddress();
    int prefix = Integer.parseInt(parts[1]);
    int data = records.size();
    records.add(record);
    int node = 0;
    for (int bit = 0; bit < prefix; bit++) {
      int side = (address[bit / 8] >> (7 - bit % 8)) & 1;
      if (bit == prefix - 1) {
        nodes.get(node)[side] = -2 - data; // data references are negative, below NO_DATA
      } else {
        if (nodes.get(node)[side] == NO_DATA) {
          nodes.add(new int[] {NO_DATA, NO_DATA});
          nodes.get(node)[side] = nodes.size() - 1;
        }
        node = nodes.get(node)[side];
      }
    }
    return this;
  }

  void write(Path file) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    for (Object record : records) {
      offsets.add(data.size());
      encode(data, record);
    }
    int nodeCount = nodes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int[] node : nodes) {
      for (int record : node) {
        int value = record == NO_DATA ? nodeCount
            : record < NO_DATA ? nodeCount + 16 + offsets.get(-2 - record) : record;
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
      }
    }
    out.write(new byte[16]); // the data section separator
    data.writeTo(out);
    out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
    out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", (long) nodeCount);
    metadata.put("record_size", 24);
    metadata.put("ip_version", 4);
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", 2);
    metadata.put("binary_format_minor_version", 0);
    metadata.put("build_epoch", java.math.BigInteger.valueOf(1_700_000_000L));
    metadata.put("description", Map.of("en", "TrackFlow test database"));
    encode(out, metadata);
    Files.write(file, out.toByteArray());
  }

  private static void encode(ByteArrayOutputStream out, Object value) {
    switch (value) {
      case String s -> {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        control(out, 2, bytes.length);
        out.writeBytes(bytes);
      }
      case Integer i -> unsigned(out, 5, i); // uint16
      case Long l -> unsigned(out, 6, l); // uint32
      case java.math.BigInteger b -> unsigned(out, 9, b.longValueExact()); // uint64
      case Map<?, ?> m -> {
        control(out, 7, m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
          encode(out, e.getKey());
          encode(out, e.getValue());
        }
      }
      case List<?> list -> {
        control(out, 11, list.size());
        list.forEach(item -> encode(out, item));
      }
      default -> throw new IllegalArgumentException("cannot encode " + value);
    }
  }

  private static void unsigned(ByteArrayOutputStream out, int type, long value) {
    int length = 0;
    for (long v = value; v != 0; v >>>= 8) {
      length++;
    }
    control(out, type, length);
    for (int i = length - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)));
    }
  }

  // Control byte: type in the top three bits (extended types in a second byte), then the size.
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int sizeBits = size < 29 ? size : size < 285 ? 29 : 30;
    out.write((type <= 7 ? type << 5 : 0) | sizeBits);
    if (type > 7) {
      out.write(type - 7);
    }
    if (sizeBits == 29) {
      out.write(size - 29);
    } else if (sizeBits == 30) {
      out.write((size - 285) >>> 8);
      out.write(size - 285);
    }
  }
}
