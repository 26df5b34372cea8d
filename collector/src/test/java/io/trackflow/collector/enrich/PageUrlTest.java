package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lenient URL parser at the edges of its grammar: empty parts, parts at position 0, escapes. */
class PageUrlTest {

  @Test
  @DisplayName("A scheme is an ASCII letter, then ASCII letters, digits, '+', '-' or '.'; anything else is not a URL")
  void schemes() {
    assertThat(PageUrl.parse("z39.50r://host/").scheme()).isEqualTo("z39.50r");
    assertThat(PageUrl.parse("svn+ssh://host/").scheme()).isEqualTo("svn+ssh");
    assertThat(PageUrl.parse("Web-Cal://host/").scheme()).isEqualTo("web-cal");
    for (String url : List.of("1http://host/", "+http://host/", "éhttp://host/", "ht_tp://host/", "htt p://host/",
        "httpé://host/", "://host/")) {
      assertThat(PageUrl.parse(url)).as(url).isNull();
    }
  }

  @Test
  @DisplayName("A query or fragment right after the host leaves the path '/', and each part is split off whole")
  void queryOrFragmentRightAfterHost() {
    assertThat(PageUrl.parse("https://example.com?x=1"))
        .isEqualTo(new PageUrl("https", "example.com", "/", "x=1", ""));
    assertThat(PageUrl.parse("https://example.com#top"))
        .isEqualTo(new PageUrl("https", "example.com", "/", "", "top"));
    assertThat(PageUrl.parse("https://example.com/a?#"))
        .isEqualTo(new PageUrl("https", "example.com", "/a", "", ""));
  }

  @Test
  @DisplayName("An empty user part before '@' is dropped from the host, and a port without a host leaves no host")
  void emptyUserAndMissingHost() {
    assertThat(PageUrl.parse("https://@example.com/x").host()).isEqualTo("example.com");
    assertThat(PageUrl.parse("https://:8080/x")).isNull();
    assertThat(PageUrl.parse("https://user@:8080/x")).isNull();
  }

  @Test
  @DisplayName("A host holding a space, a control character, <, >, a quote, a backslash or a leading % is refused")
  void hostCharacters() {
    for (String host : List.of("exa mple.com", "exa\u0001mple.com", "a<b.com", "a>b.com", "a\"b.com",
        "a\\b.com", "%41.com")) {
      assertThat(PageUrl.parse("https://" + host + "/")).as(host).isNull();
    }
    // A percent sign inside the host is odd but harmless; only a leading one is refused.
    assertThat(PageUrl.parse("https://a%41.com/").host()).isEqualTo("a%41.com");
    assertThat(PageUrl.parse("https://!$&'()*+,;=.example/").host()).isEqualTo("!$&'()*+,;=.example");
  }

  @Test
  @DisplayName("Query parameters keep their order; a pair starting with '=' has an empty name and a bare name an empty value")
  void params() {
    List<String[]> params = PageUrl.parse("https://example.com/?=orphan&flag&&a=1=2&b=%C3%BC+x").params();
    assertThat(params).extracting(p -> p[0]).containsExactly("", "flag", "a", "b");
    assertThat(params).extracting(p -> p[1]).containsExactly("orphan", "", "1=2", "ü x");
    assertThat(params).extracting(p -> p[2]).containsExactly("=orphan", "flag", "a=1=2", "b=%C3%BC+x");
    assertThat(PageUrl.parse("https://example.com/").params()).isEmpty();
  }

  @Test
  @DisplayName("Decoding turns escapes and '+' into characters even at the first position, and keeps malformed escapes as sent")
  void decode() {
    assertThat(PageUrl.decode("%C3%BCber")).isEqualTo("über");
    assertThat(PageUrl.decode("+plus")).isEqualTo(" plus");
    assertThat(PageUrl.decode("plain")).isEqualTo("plain");
    assertThat(PageUrl.decode("100%")).isEqualTo("100%");
    assertThat(PageUrl.decode("%zz")).isEqualTo("%zz");
  }

  @Test
  @DisplayName("Decoding a path keeps '+' as a plus sign, also when the path starts with an escape")
  void decodePath() {
    assertThat(PageUrl.decodePath("%2Fc++%C3%BC")).isEqualTo("/c++ü");
    assertThat(PageUrl.decodePath("/a+b")).isEqualTo("/a+b");
    assertThat(PageUrl.decodePath("/50%")).isEqualTo("/50%");
  }
}
