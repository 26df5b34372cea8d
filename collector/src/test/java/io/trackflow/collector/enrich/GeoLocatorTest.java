package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.TestEnrichers;
import io.trackflow.collector.enrich.GeoLocator.Place;
import io.trackflow.collector.pipeline.GeoStep;
import io.trackflow.collector.pipeline.Hit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @TempDir
  Path dir;

  /** A GeoLite2-City-shaped database: two cities with regions, one network known by country only. */
  private Path maxMindCities() throws IOException {
    Path file = dir.resolve("GeoLite2-City.mmdb");
    new MmdbWriter("GeoLite2-City")
        .put("81.2.69.0/24", Map.of(
            "country", Map.of("iso_code", "GB", "names", Map.of("en", "United Kingdom")),
            "subdivisions", List.of(Map.of("iso_code", "ENG", "names", Map.of("en", "England"))),
            "city", Map.of("geoname_id", 2_655_095L, "names", Map.of("en", "Bracknell", "de", "Bracknell"))))
        .put("89.160.20.0/24", Map.of(
            "country", Map.of("iso_code", "SE"),
            "subdivisions", List.of(Map.of("iso_code", "E"), Map.of("iso_code", "X")),
            "city", Map.of("names", Map.of("en", "Linköping"))))
        .put("8.8.8.0/24", Map.of("country", Map.of("iso_code", "US")))
        .write(file);
    return file;
  }

  private static Place place(GeoLocator geo, String ip) {
    return geo.locate(ClientIpResolver.parse(ip));
  }

  @Test
  @DisplayName("A GeoIP2-layout city database gives ISO 3166-2 regions and English city names, and the country database fills in what it lacks")
  void maxMindCityDatabase() throws Exception {
    GeoLocator geo = GeoLocator.load(getClass().getClassLoader(), GeoLocator.DEFAULT_RESOURCE, maxMindCities());
    assertThat(geo.citiesAvailable()).isTrue();
    assertThat(geo.regionsAvailable()).isTrue();
    assertThat(place(geo, "81.2.69.160")).isEqualTo(new Place("GB", "GB-ENG", "Bracknell"));
    assertThat(place(geo, "89.160.20.129")).isEqualTo(new Place("SE", "SE-E", "Linköping"));
    assertThat(place(geo, "8.8.8.8")).isEqualTo(new Place("US", "", ""));
    // Not in the city file (nor IPv4): the bundled country database answers.
    assertThat(place(geo, "194.25.2.129")).isEqualTo(new Place("DE", "", ""));
    assertThat(place(geo, "2001:4860:4860::8888")).isEqualTo(new Place("US", "", ""));
    assertThat(place(geo, "10.1.2.3")).isEqualTo(Place.UNKNOWN);
    assertThat(geo.locate(null)).isEqualTo(Place.UNKNOWN);
  }

  @Test
  @DisplayName("The geo step puts the client's country, region and city on the event")
  void geoStepFillsThePlace() throws Exception {
    GeoLocator geo = GeoLocator.load(getClass().getClassLoader(), GeoLocator.DEFAULT_RESOURCE, maxMindCities());
    Hit hit = new Hit(0, null, ClientIpResolver.parse("81.2.69.160"), "", 0L);
    assertThat(new GeoStep(geo).apply(hit)).isNull();
    var event = hit.event.build();
    assertThat(List.of(event.country(), event.region(), event.city())).containsExactly("GB", "GB-ENG", "Bracknell");
  }

  @Test
  @DisplayName("ip-location-db's flat city layout gives cities but no regions, since it has no region codes")
  void flatCityDatabase() throws Exception {
    Path file = dir.resolve("geolite2-city-ipv4.mmdb");
    new MmdbWriter("city ipv4")
        .put("81.2.69.0/24", Map.of("country_code", "GB", "state1", "England", "state2", "Bracknell Forest",
            "city", "Bracknell", "postcode", "RG12", "timezone", "Europe/London"))
        .write(file);
    GeoLocator geo = GeoLocator.load(getClass().getClassLoader(), GeoLocator.DEFAULT_RESOURCE, file);
    assertThat(geo.citiesAvailable()).isTrue();
    assertThat(geo.regionsAvailable()).isFalse();
    assertThat(place(geo, "81.2.69.160")).isEqualTo(new Place("GB", "", "Bracknell"));
  }

  @Test
  @DisplayName("A city database that is missing or not a MaxMind database fails loading with a message naming the file")
  void unreadableCityDatabase() throws Exception {
    Path missing = dir.resolve("missing.mmdb");
    Path garbage = Files.writeString(dir.resolve("garbage.mmdb"), "not a database");
    for (Path bad : List.of(missing, garbage)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> GeoLocator.load(getClass().getClassLoader(), GeoLocator.DEFAULT_RESOURCE, bad))
          .isInstanceOf(IOException.class).hasMessageContaining(bad.toString());
    }
    assertThat(TestEnrichers.get().geo().citiesAvailable()).isFalse();
  }
}
