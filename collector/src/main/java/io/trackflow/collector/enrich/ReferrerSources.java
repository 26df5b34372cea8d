package io.trackflow.collector.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a referring host to the source name analytics users know ("Google", "Hacker News"), from
 * the list in {@code trackflow/collector/referrers.tsv}. Unknown hosts are their own source.
 */
public final class ReferrerSources {

  /** Classpath location of the bundled list. */
  public static final String DEFAULT_RESOURCE = "trackflow/collector/referrers.tsv";

  private final Map<String, String> byHost;
  private final Map<String, String> byLabel; // "google" for google.* entries
  private final Map<String, String> byName;  // lower-case name → name, for utm_source=google

  private ReferrerSources(Map<String, String> byHost, Map<String, String> byLabel,
      Map<String, String> byName) {
    this.byHost = byHost;
    this.byLabel = byLabel;
    this.byName = byName;
  }

  public static ReferrerSources load(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("referrer list " + resource + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ReferrerSources parse(String text) {
    Map<String, String> hosts = new HashMap<>();
    Map<String, String> labels = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new IllegalArgumentException("referrer list line without a tab: " + line);
        }
        String name = line.substring(0, tab).trim();
        if (name.isEmpty()) {
          throw new IllegalArgumentException("referrer list line without a name before its tab: " + line);
        }
        names.put(name.toLowerCase(Locale.ROOT), name);
        for (String host : line.substring(tab + 1).trim().split("\\s+")) {
          String h = host.toLowerCase(Locale.ROOT);
          if (h.endsWith(".*")) {
            labels.put(h.substring(0, h.length() - 2), name);
          } else {
            hosts.put(h, name);
          }
          names.putIfAbsent(h, name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ReferrerSources(Map.copyOf(hosts), Map.copyOf(labels), Map.copyOf(names));
  }

  /** The known source name for a (lower-case, www-less) host, or null when it is not listed. */
  public String forHost(String host) {
    String h = host;
    while (true) {
      String name = byHost.get(h);
      if (name != null) {
        return name;
      }
      int dot = h.indexOf('.');
      if (dot < 0) {
        break;
      }
      // google.co.uk: the first label names the source when the rest looks like a public suffix.
      String label = h.substring(0, dot);
      String rest = h.substring(dot + 1);
      if (looksLikePublicSuffix(rest)) {
        String byFamily = byLabel.get(label);
        if (byFamily != null) {
          return byFamily;
        }
      }
      h = rest;
    }
    return null;
  }

  /**
   * The source a {@code utm_source}/{@code ref} value names: a listed name or host maps to its
   * name ("google" → "Google", "news.ycombinator.com" → "Hacker News"), anything else is kept.
   */
  public String forTag(String value) {
    String v = value.trim();
    String lower = v.toLowerCase(Locale.ROOT);
    String name = byName.get(lower);
    if (name != null) {
      return name;
    }
    String family = byLabel.get(lower);
    if (family != null) {
      return family;
    }
    if (lower.indexOf('.') > 0) {
      String byHostName = forHost(lower.startsWith("www.") ? lower.substring(4) : lower);
      if (byHostName != null) {
        return byHostName;
      }
    }
    return v;
  }

  /** com, de, co.uk, com.au: one or two short labels. */
  private static boolean looksLikePublicSuffix(String rest) {
    int dot = rest.indexOf('.');
    if (dot < 0) {
      return rest.length() >= 2 && rest.length() <= 6;
    }
    if (rest.indexOf('.', dot + 1) >= 0) {
      return false;
    }
    return dot <= 3 && rest.length() - dot - 1 >= 2 && rest.length() - dot - 1 <= 3;
  }
}
