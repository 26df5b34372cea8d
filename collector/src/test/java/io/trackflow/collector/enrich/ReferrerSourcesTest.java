package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The referrer list's matching rules, on a small list written here. */
class ReferrerSourcesTest {

  private static final ReferrerSources LIST = ReferrerSources.parse("""
      # comment lines and blank lines are skipped

      Google\tgoogle.* news.google.com
      Yahoo!\tyahoo.*
      GitHub\tgithub.com
      Hacker News\tnews.ycombinator.com
      """);

  @Test
  @DisplayName("A name.* entry matches under one short label or two (co.uk, com.au), not under longer or deeper suffixes")
  void publicSuffixShapes() {
    for (String host : new String[] {"google.de", "google.museum", "google.co.uk", "google.com.au",
        "google.c.uk", "google.co.ukk", "maps.google.co.uk"}) {
      assertThat(LIST.forHost(host)).as(host).isEqualTo("Google");
    }
    for (String host : new String[] {"google.c", "google.abcdefg", "google.abcd.uk", "google.co.u",
        "google.co.abcd", "google.a.b.c", "google.example.org", "google"}) {
      assertThat(LIST.forHost(host)).as(host).isNull();
    }
  }

  @Test
  @DisplayName("A listed host also matches its subdomains, and a more specific entry wins over the family")
  void subdomains() {
    assertThat(LIST.forHost("gist.github.com")).isEqualTo("GitHub");
    assertThat(LIST.forHost(".github.com")).isEqualTo("GitHub");
    assertThat(LIST.forHost("news.google.com")).isEqualTo("Google");
    assertThat(LIST.forHost("github.io")).isNull();
  }

  @Test
  @DisplayName("A tag names a source by its name in any case, its family label or a listed host, else stays as sent")
  void tags() {
    assertThat(LIST.forTag("GOOGLE")).isEqualTo("Google");
    assertThat(LIST.forTag("yahoo")).isEqualTo("Yahoo!");
    assertThat(LIST.forTag("www.news.ycombinator.com")).isEqualTo("Hacker News");
    assertThat(LIST.forTag("google.co.uk")).isEqualTo("Google");
    assertThat(LIST.forTag(" Newsletter ")).isEqualTo("Newsletter");
    assertThat(LIST.forTag("example.org")).isEqualTo("example.org");
    assertThat(LIST.forTag(".github.com")).isEqualTo(".github.com");
  }

  @Test
  @DisplayName("Only the words after the tab are hosts: the end of the name is not one")
  void hostsAfterTheTab() {
    ReferrerSources list = ReferrerSources.parse("Example\tex.com\n");
    assertThat(list.forHost("ex.com")).isEqualTo("Example");
    assertThat(list.forHost("e")).isNull();
    assertThat(list.forHost("example")).isNull();
  }

  @Test
  @DisplayName("A line without a tab, or without a name before it, is refused with a message saying which")
  void malformedLines() {
    assertThatThrownBy(() -> ReferrerSources.parse("Google google.com\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a tab");
    assertThatThrownBy(() -> ReferrerSources.parse("\tgoogle.com\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a name");
    assertThatThrownBy(() -> ReferrerSources.parse("  \tgoogle.com\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a name");
  }
}
