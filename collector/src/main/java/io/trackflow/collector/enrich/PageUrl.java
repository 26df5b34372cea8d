package io.trackflow.collector.enrich;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lenient URL split into the parts analytics needs. Browsers send well-formed URLs, but hits
 * are hostile input, so parsing never throws: {@link #parse} answers null for anything without a
 * scheme and a host.
 */
public record PageUrl(String scheme, String host, String path, String query, String fragment) {

  /** Parses {@code scheme://[user@]host[:port][/path][?query][#fragment]}, or null. */
  public static PageUrl parse(String url) {
    if (url == null) {
      return null;
    }
    int sep = url.indexOf("://");
    if (sep <= 0 || !validScheme(url, sep)) {
      return null;
    }
    int start = sep + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String host;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = authority.substring(0, close + 1);
    } else {
      int colon = authority.indexOf(':');
      host = colon >= 0 ? authority.substring(0, colon) : authority;
    }
    if (host.isEmpty() || !validHost(host)) {
      return null;
    }
    String rest = url.substring(end);
    String fragment = "";
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.substring(hash + 1);
      rest = rest.substring(0, hash);
    }
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String path = rest.isEmpty() ? "/" : rest;
    return new PageUrl(url.substring(0, sep).toLowerCase(Locale.ROOT),
        host.toLowerCase(Locale.ROOT), path, query, fragment);
  }

  /** The host without a leading {@code www.}. */
  public String bareHost() {
    return stripWww(host);
  }

  public static String stripWww(String host) {
    return host.startsWith("www.") ? host.substring(4) : host;
  }

  /** Query parameters in order, names and values percent-decoded. */
  public List<String[]> params() {
    List<String[]> out = new ArrayList<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.add(new String[] {decode(name), decode(value), pair});
    }
    return out;
  }

  /** Percent-decodes (and '+' to space); malformed escapes are kept as they are. */
  public static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Percent-decodes a path ('+' stays '+'); malformed escapes are kept as they are. */
  public static String decodePath(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    return decode(s.replace("+", "%2B"));
  }

  private static boolean validScheme(String url, int end) {
    char first = url.charAt(0);
    if (!Character.isLetter(first) || first > 'z') {
      return false;
    }
    for (int i = 1; i < end; i++) {
      char c = url.charAt(i);
      if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean validHost(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\\' || c == '%' && i == 0) {
        return false;
      }
    }
    return true;
  }
}
