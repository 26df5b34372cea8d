package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.TestEnrichers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GeoLocatorTest {

  private final GeoLocator geo = TestEnrichers.get().geo();

  private String country(String ip) {
    return geo.country(ClientIpResolver.parse(ip));
  }

  @Test
  @DisplayName("Public IPv4 and IPv6 addresses map to their ISO country code from the bundled database")
  void knownAddresses() {
    assertThat(geo.available()).isTrue();
    assertThat(country("8.8.8.8")).isEqualTo("US");
    assertThat(country("2001:4860:4860::8888")).isEqualTo("US");
    assertThat(country("194.25.2.129")).isEqualTo("DE"); // Deutsche Telekom
    assertThat(country("133.11.0.1")).isEqualTo("JP");  // University of Tokyo
  }

  @Test
  @DisplayName("Loopback, private and unknown addresses have no country, and a missing or unreadable database yields none")
  void unknownAddresses() {
    assertThat(country("127.0.0.1")).isEmpty();
    assertThat(country("10.1.2.3")).isEmpty();
    assertThat(geo.country(null)).isEmpty();
    GeoLocator none = GeoLocator.load(getClass().getClassLoader(), "no/such.mmdb");
    assertThat(none.available()).isFalse();
    assertThat(none.country(ClientIpResolver.parse("8.8.8.8"))).isEmpty();
    GeoLocator corrupt = GeoLocator.load(getClass().getClassLoader(), ReferrerSources.DEFAULT_RESOURCE);
    assertThat(corrupt.available()).as("a file that is not a country database").isFalse();
    assertThat(corrupt.country(ClientIpResolver.parse("8.8.8.8"))).isEmpty();
  }
}
