package io.trackflow.collector.enrich;

import java.util.List;
import java.util.Set;

/**
 * Page path, referrer, source and UTM tags of a hit. The path carries no query string (except the
 * parameters configured to be kept) and no fragment (unless the site uses hash routing). The
 * source is, in order: {@code utm_source}, {@code ref} or {@code source} on the page URL; else the
 * referring site's known name or its host; a referral from the page's own host is ignored.
 */
public final class SourceResolver {

  private static final int MAX_TAG = 300;

  private final ReferrerSources sources;
  private final Set<String> keptParams;
  private final boolean keepAllParams;

  /**
   * @param keptQueryParams names of query parameters kept in paths; {@code *} keeps every one
   *     except UTM tags
   */
  public SourceResolver(ReferrerSources sources, List<String> keptQueryParams) {
    this.sources = sources;
    this.keepAllParams = keptQueryParams.contains("*");
    this.keptParams = Set.copyOf(keptQueryParams);
  }

  public TrafficSource resolve(PageUrl page, String referrerUrl, boolean hashRouting) {
    String hostname = page.bareHost();
    List<String[]> params = page.params(); // parsed once, read several times below
    String pathname = path(page, params, hashRouting);

    String utmSource = tag(param(params, "utm_source"));
    String tagged = !utmSource.isEmpty() ? utmSource
        : tag(firstNonBlank(param(params, "ref"), param(params, "source")));

    String referrer = "";
    String source = "";
    PageUrl ref = referrerUrl == null || referrerUrl.isBlank() ? null : PageUrl.parse(referrerUrl.trim());
    if (ref != null && !ref.bareHost().equals(hostname)) {
      referrer = ref.bareHost() + ("/".equals(ref.path()) ? "" : ref.path());
      String known = sources.forHost(ref.bareHost());
      source = known != null ? known : ref.bareHost();
    }
    if (!tagged.isEmpty()) {
      source = sources.forTag(tagged);
    }
    return new TrafficSource(hostname, pathname, referrer, source, utmSource,
        tag(param(params, "utm_medium")), tag(param(params, "utm_campaign")),
        tag(param(params, "utm_term")), tag(param(params, "utm_content")));
  }

  private static String param(List<String[]> params, String name) {
    for (String[] p : params) {
      if (p[0].equals(name)) {
        return p[1];
      }
    }
    return null;
  }

  private String path(PageUrl page, List<String[]> params, boolean hashRouting) {
    StringBuilder path = new StringBuilder(PageUrl.decodePath(page.path()));
    if (!page.query().isEmpty() && !keptParams.isEmpty()) { // "*" is in keptParams too
      char sep = '?';
      for (String[] p : params) {
        if (!p[0].startsWith("utm_") && (keepAllParams || keptParams.contains(p[0]))) {
          path.append(sep).append(p[2]);
          sep = '&';
        }
      }
    }
    if (hashRouting && !page.fragment().isEmpty()) {
      path.append('#').append(page.fragment());
    }
    return path.toString();
  }

  private static String tag(String value) {
    if (value == null) {
      return "";
    }
    String v = value.trim();
    return v.length() > MAX_TAG ? v.substring(0, MAX_TAG) : v;
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }
}
