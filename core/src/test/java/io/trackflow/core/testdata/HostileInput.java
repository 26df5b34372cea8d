package io.trackflow.core.testdata;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Generators of what an attacker or a broken client sends: strings that break quoting and parsing,
 * JSON values of every type at their edges, nested JSON, bodies that are not UTF-8 or not whole.
 * Shared by the collector's and the query role's fuzz tests.
 */
public final class HostileInput {

  /** Pieces that mean something to SQL, JSON, URLs, regexes, logs or terminals. */
  private static final List<String> FRAGMENTS = List.of(
      "'", "''", "\\", "\\'", "\\\\", "\\0", "\\x41", "\\u0000", "\\n", "\"", "`", "--", "/*", "*/", ";",
      "%", "_", "*", ".*", "(?i)", "[", "]", "{", "}", "?", "&", "=", "#", "+", "%00", "%zz", "%e9",
      "%C0%AF", "..", "/", "//", "http://", "https://", "javascript:", "data:", "\0", "\r\n", "\t",
      "\u007f", "\u0085", "\u2028", "\uFEFF", "\u200B", "\uD800", "\uDFFF", "é", "e\u0301", "ß", "Ж", "日本",
      "עב", "مر", "😀", "👩‍👩‍👧", "🇩🇪", "${jndi:ldap://x}", "<script>", "' OR 1=1 --", "{x:String}", "$1",
      " ", "a", "Z", "0", "-1", "1e309", "NaN", "null", "true", "example.com", "shop.example");

  /** Whole values parsers meet at their edges. */
  private static final List<String> EDGES = List.of(
      "", " ", "null", "undefined", "NaN", "Infinity", "-0", "0x1F", "1e309", "-1", "9223372036854775808",
      "99999999999999999999999", "https://example.com/", "https://example.com/" + "a/".repeat(1100),
      "https://shop.example/%E9%", "https://[::1", "http://:80", "https://example.com:99999/",
      "https://user:pass@example.com/?q=%00", "//example.com", "file:///etc/passwd", "example.com",
      "EXAMPLE.COM", "example.com.", "xn--n3h.example", "😀.example", "a".repeat(300), "127.0.0.1",
      "::1", "1.2.3.4, 5.6.7.8", "unknown", "2001:db8::1", "999.999.999.999", "1.2.3.4:80");

  private static final List<Object> EDGE_NUMBERS = List.of(0, -1, 1, 100, Integer.MAX_VALUE,
      Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 9_007_199_254_740_993L, -0.0, 0.5, 1e15, 9.0e15,
      1e300, -1e300, Double.MIN_VALUE, Double.MAX_VALUE, new BigInteger("123456789012345678901234567890"),
      new BigDecimal("1e400"), new BigDecimal("-1e400"), new BigDecimal("-0.000000000000000000000000001"));

  private HostileInput() {}

  /** Strings built to break quoting and parsing, mostly short, some long; may hold lone surrogates. */
  public static Gen<String> strings() {
    return Gen.<String>weighted()
        .add(4, Gen.of(FRAGMENTS).list(8).map(pieces -> String.join("", pieces)))
        .add(3, chars(Gen.ints(0, 0xFFFF), 40))
        .add(2, chars(Gen.ints(0x20, 0x7e), 40))
        .add(2, r -> RandomStrings.generate(r.nextLong(), 1, 12).get(0))
        .add(2, Gen.of(EDGES))
        .add(1, r -> {
          String alphabet = "'\\\"%a\u00e9\0";
          StringBuilder s = new StringBuilder();
          for (int n = 200 + r.nextInt(2_800); n > 0; n--) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
          }
          return s.toString();
        });
  }

  /**
   * Strings of valid UTF-16 only (no unpaired surrogate), which every store keeps exactly: for
   * round trips, where an unpaired surrogate has no UTF-8 form to come back as.
   */
  public static Gen<String> storableStrings() {
    return strings().map(HostileInput::withoutLoneSurrogates);
  }

  /** Numbers at the edges of every JSON reader's types (mostly), and random ones. */
  public static Gen<Object> numbers() {
    return Gen.<Object>weighted()
        .add(3, Gen.of(EDGE_NUMBERS))
        .add(1, r -> r.nextInt())
        .add(1, r -> r.nextLong())
        .add(1, r -> Double.longBitsToDouble(r.nextLong()))
        .add(1, r -> r.nextDouble() * 1e6);
  }

  /** A JSON value nested at most {@code depth} levels: scalars, arrays and objects. */
  public static Gen<Object> json(int depth) {
    Gen<Object> scalar = Gen.<Object>weighted()
        .add(4, strings())
        .add(2, numbers())
        .add(1, Gen.of(true, false))
        .add(1, Gen.constant(null));
    if (depth <= 0) {
      return scalar;
    }
    Gen<Object> nested = r -> json(depth - 1).next(r);
    return Gen.<Object>weighted()
        .add(4, scalar)
        .add(1, nested.list(4).map(JsonArray::new))
        .add(1, Gen.maps(strings(), nested, 4).map(JsonObject::new));
  }

  /**
   * Request bodies that are not what they claim: random bytes, invalid UTF-8 inside a JSON
   * string, nesting deeper than any parser's limit, numbers longer than any, truncated JSON.
   */
  public static Gen<byte[]> malformedJson() {
    return Gen.oneOf(
        r -> bytes(r, r.nextInt(301)),
        r -> concat("{\"n\":\"pageview\",\"d\":\"example.com\",\"u\":\"https://example.com/", bytes(r, 1 + r.nextInt(40)),
            "\"}"),
        Gen.ints(1, 60_000).map(depth -> ascii("[".repeat(depth) + "]".repeat(depth))),
        Gen.ints(1, 30_000).map(depth -> ascii("{\"p\":".repeat(depth) + "1" + "}".repeat(depth))),
        Gen.ints(1, 5_000).map(digits -> ascii("{\"w\":" + "9".repeat(digits) + ",\"ts\":1e" + digits + "}")),
        json(3).map(value -> {
          String text = value instanceof JsonObject o ? o.encode()
              : value instanceof JsonArray a ? a.encode() : String.valueOf(value);
          return text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8);
        }));
  }

  /** Strings of 0 to {@code max} characters drawn from {@code codes}. */
  private static Gen<String> chars(Gen<Integer> codes, int max) {
    return r -> {
      StringBuilder s = new StringBuilder();
      for (int n = r.nextInt(max + 1); n > 0; n--) {
        s.append((char) (int) codes.next(r));
      }
      return s.toString();
    };
  }

  private static byte[] bytes(java.util.Random r, int length) {
    byte[] out = new byte[length];
    r.nextBytes(out);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(String prefix, byte[] middle, String suffix) {
    byte[] a = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] c = suffix.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[a.length + middle.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(middle, 0, out, a.length, middle.length);
    System.arraycopy(c, 0, out, a.length + middle.length, c.length);
    return out;
  }

  private static String withoutLoneSurrogates(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (!Character.isSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
