package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.TestEnrichers;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceResolverTest {

  private final SourceResolver plain = new SourceResolver(TestEnrichers.get().referrers(), List.of());

  private TrafficSource resolve(String page, String referrer) {
    return plain.resolve(PageUrl.parse(page), referrer, false);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "https://www.google.com/                              | Google",
      "https://www.google.co.uk/search?q=analytics          | Google",
      "https://google.de/                                   | Google",
      "android-app://com.google.android.googlequicksearchbox/ | Google",
      "https://www.bing.com/search?q=x                      | Bing",
      "https://duckduckgo.com/                              | DuckDuckGo",
      "https://news.ycombinator.com/item?id=42              | Hacker News",
      "https://github.com/trackflow/trackflow               | GitHub",
      "https://t.co/abc                                     | Twitter",
      "https://x.com/someone/status/1                       | Twitter",
      "https://m.facebook.com/                              | Facebook",
      "https://l.facebook.com/l.php?u=x                     | Facebook",
      "https://www.reddit.com/r/selfhosted/                 | Reddit",
      "https://old.reddit.com/r/java/                       | Reddit",
      "https://www.linkedin.com/feed/                       | LinkedIn",
      "https://mail.google.com/mail/u/0/                    | Gmail",
      "https://search.brave.com/search?q=a                  | Brave Search",
      "https://www.youtube.com/watch?v=1                    | YouTube",
      "https://blog.example.org/post/1?utm=x                | blog.example.org",
      "https://www.some-forum.net/thread                    | some-forum.net",
  })
  @DisplayName("A referrer maps to the source name users know, or to its host when the list does not know it")
  void knownAndUnknownReferrers(String referrer, String source) {
    assertThat(resolve("https://example.com/pricing", referrer).referrerSource()).isEqualTo(source);
  }

  @Test
  @DisplayName("The stored referrer is host and path without scheme, www, query or fragment")
  void referrerIsCleaned() {
    TrafficSource s = resolve("https://example.com/", "https://www.news.site/a/b?x=1#frag");
    assertThat(s.referrer()).isEqualTo("news.site/a/b");
    assertThat(resolve("https://example.com/", "https://news.site/").referrer()).isEqualTo("news.site");
  }

  @Test
  @DisplayName("A referral from the page's own host (with or without www) is ignored: no referrer, no source")
  void selfReferralIgnored() {
    TrafficSource s = resolve("https://www.example.com/b", "https://example.com/a");
    assertThat(s.referrer()).isEmpty();
    assertThat(s.referrerSource()).isEmpty();
  }

  @Test
  @DisplayName("UTM tags are read from the page URL (decoded) and utm_source overrides the referrer's source")
  void utmTags() {
    TrafficSource s = resolve(
        "https://example.com/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale"
            + "&utm_term=web+analytics&utm_content=hero",
        "https://www.google.com/");
    assertThat(s.utmSource()).isEqualTo("newsletter");
    assertThat(s.utmMedium()).isEqualTo("email");
    assertThat(s.utmCampaign()).isEqualTo("spring sale");
    assertThat(s.utmTerm()).isEqualTo("web analytics");
    assertThat(s.utmContent()).isEqualTo("hero");
    assertThat(s.referrerSource()).isEqualTo("newsletter");
    assertThat(s.referrer()).isEqualTo("google.com");
  }

  @Test
  @DisplayName("ref and source parameters name the source too, mapped to known names when they match one")
  void refParameter() {
    assertThat(resolve("https://example.com/?ref=producthunt.com", "").referrerSource()).isEqualTo("Product Hunt");
    assertThat(resolve("https://example.com/?utm_source=google", "").referrerSource()).isEqualTo("Google");
    assertThat(resolve("https://example.com/?utm_source=hacker%20news", "").referrerSource()).isEqualTo("Hacker News");
    assertThat(resolve("https://example.com/?source=podcast", "").referrerSource()).isEqualTo("podcast");
    assertThat(resolve("https://example.com/?ref=", "https://bing.com/").referrerSource()).isEqualTo("Bing");
  }

  @Test
  @DisplayName("Paths carry no query string or fragment by default, and are percent-decoded")
  void pathNormalised() {
    TrafficSource s = resolve("https://Example.com/Docs/%C3%BCber?page=2&utm_source=x#section", "");
    assertThat(s.hostname()).isEqualTo("example.com");
    assertThat(s.pathname()).isEqualTo("/Docs/über");
    assertThat(resolve("https://www.example.com", "").pathname()).isEqualTo("/");
    assertThat(resolve("https://www.example.com", "").hostname()).isEqualTo("example.com");
  }

  @Test
  @DisplayName("With hash routing the fragment stays in the path; configured query parameters are kept, UTM tags never")
  void hashRoutingAndKeptParams() {
    PageUrl page = PageUrl.parse("https://example.com/app?page=2&sort=asc&utm_source=x#/settings/profile");
    assertThat(plain.resolve(page, "", true).pathname()).isEqualTo("/app#/settings/profile");
    SourceResolver keepPage = new SourceResolver(TestEnrichers.get().referrers(), List.of("page"));
    assertThat(keepPage.resolve(page, "", false).pathname()).isEqualTo("/app?page=2");
    SourceResolver keepAll = new SourceResolver(TestEnrichers.get().referrers(), List.of("*"));
    assertThat(keepAll.resolve(page, "", false).pathname()).isEqualTo("/app?page=2&sort=asc");
  }

  @Test
  @DisplayName("URLs without a scheme or host are not parsed; odd but valid ones are")
  void urlParsing() {
    assertThat(PageUrl.parse("example.com/page")).isNull();
    assertThat(PageUrl.parse("/relative")).isNull();
    assertThat(PageUrl.parse("https:///nohost")).isNull();
    assertThat(PageUrl.parse("javascript:alert(1)")).isNull();
    assertThat(PageUrl.parse("https://user:pw@Example.com:8443/a?b#c"))
        .isEqualTo(new PageUrl("https", "example.com", "/a", "b", "c"));
    assertThat(PageUrl.parse("http://[2001:db8::1]:8080/x").host()).isEqualTo("[2001:db8::1]");
  }
}
