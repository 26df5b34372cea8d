package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.TestEnrichers;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserAgentParserTest {

  private static final String BOT = "BOT";

  /** Real user agents, with what an analytics user should read for each. */
  static Stream<Arguments> agents() {
    return Stream.of(
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome", "131", "Windows", "", "Desktop"),
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge", "131", "Windows", "10", "Desktop"),
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox", "133", "Windows", "10", "Desktop"),
        row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari", "18", "macOS", "10.15", "Desktop"),
        row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox", "133", "macOS", "10.15", "Desktop"),
        row("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome", "131", "Linux", "", "Desktop"),
        row("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox", "133", "Ubuntu", "", "Desktop"),
        row("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome", "131", "ChromeOS", "131", "Desktop"),
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
            "Opera", "115", "Windows", "", "Desktop"),
        row("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
            "Internet Explorer", "11", "Windows", "7", "Desktop"),
        row("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari", "18", "iOS", "18", "Mobile"),
        row("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
            "Chrome", "131", "iOS", "18", "Mobile"),
        row("Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
            "Safari", "17", "iOS", "17", "Tablet"),
        row("Mozilla/5.0 (Linux; Android 14; SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet", "26", "Android", "14", "Mobile"),
        row("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome", "131", "Android", "13", "Tablet"),
        row("Mozilla/5.0 (Linux; Android 12; moto g(60)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome", "131", "Android", "12", "Mobile"),
        row("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
            "Firefox", "133", "Android", "14", "Mobile"),
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 YaBrowser/24.10.0.0 Safari/537.36",
            "Yandex Browser", "24", "Windows", "", "Desktop"),
        row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Vivaldi/7.0",
            "Vivaldi", "7", "Windows", "", "Desktop"),
        // Headless Chromium is what browser tests and real-user monitoring run: counted as a browser.
        row("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "Chrome", "131", "Linux", "", "Desktop"),
        bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        bot("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        bot("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
        bot("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
        bot("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"),
        bot("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)"),
        bot("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"),
        bot("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"),
        bot("curl/8.5.0"),
        bot("python-requests/2.31.0"),
        bot("Go-http-client/1.1"),
        bot("Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"),
        bot("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
        bot(""));
  }

  private static Arguments row(String ua, String browser, String version, String os,
      String osVersion, String device) {
    return Arguments.of(ua, browser, version, os, osVersion, device);
  }

  private static Arguments bot(String ua) {
    return Arguments.of(ua, BOT, "", "", "", "");
  }

  @ParameterizedTest(name = "{1} {2} on {3} {4} ({5}): {0}")
  @MethodSource("agents")
  @DisplayName("Each real user agent yields the browser, OS and device an analytics user expects, and bots are flagged")
  void parses(String ua, String browser, String version, String os, String osVersion, String device) {
    UserAgentInfo info = TestEnrichers.userAgents().parse(ua);
    if (BOT.equals(browser)) {
      assertThat(info.bot()).as("bot").isTrue();
      return;
    }
    assertThat(info.bot()).as("bot").isFalse();
    assertThat(info).isEqualTo(new UserAgentInfo(browser, version, os, osVersion, device, false));
  }

  @Test
  @DisplayName("The table covers at least twenty browsers and ten bots")
  void tableIsLargeEnough() {
    long bots = agents().filter(a -> BOT.equals(a.get()[1])).count();
    assertThat(agents().count() - bots).isGreaterThanOrEqualTo(20);
    assertThat(bots).isGreaterThanOrEqualTo(10);
  }
}
