package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.HostileHits;
import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.Fuzz;
import io.trackflow.core.testdata.Gen;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every step of the real pipeline over generated hostile hits: whatever a beacon's JSON or a
 * pixel's query string holds, a hit ends accepted (its event built) or dropped for a reason from
 * the closed set whose answer is a 4xx (a bot's a 202), never with an exception.
 */
@DisplayName("Hit parsing over hostile input")
class HitParsingFuzzTest {

  private static PipelineFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new PipelineFixture();
  }

  @Test
  @DisplayName("A beacon event of any shape, with any user agent, is accepted or dropped with a 4xx reason, never an exception")
  void beaconEvents() {
    Fuzz.forAll(1_000, r -> Map.entry(HostileHits.events().next(r), HostileHits.headerValues().next(r)), input -> {
      Hit hit = new Hit(0, RawHit.fromJson(input.getKey()), PipelineFixture.IP, input.getValue(),
          fixture.clock.millis());
      assertOutcome(hit, fixture.pipeline.run(hit));
    });
  }

  @Test
  @DisplayName("A pixel's query parameters, Referer and user agent of any value are accepted or dropped with a 4xx reason, never an exception")
  void pixelQueries() {
    Fuzz.forAll(1_000, r -> List.of(HostileHits.queries().next(r), HostileHits.headerValues().next(r),
        HostileHits.headerValues().next(r)), input -> {
      @SuppressWarnings("unchecked")
      MultiMap query = MultiMap.caseInsensitiveMultiMap().addAll((Map<String, String>) input.get(0));
      String referer = (String) input.get(1);
      Hit hit = new Hit(0, RawHit.fromQuery(query, referer.isEmpty() ? null : referer), PipelineFixture.IP,
          (String) input.get(2), fixture.clock.millis());
      assertOutcome(hit, fixture.pipeline.run(hit));
    });
  }

  @Test
  @DisplayName("Any X-Forwarded-For header behind any socket peer resolves to an IPv4 or IPv6 address")
  void clientAddresses() {
    ClientIpResolver resolver = new ClientIpResolver(List.of("127.0.0.1", "10.0.0.0/8", "::1"));
    Gen<String> peers = Gen.of("127.0.0.1", "10.1.2.3", "::1", "203.0.113.9", "2001:db8::5", "0:0:0:0:0:0:0:1");
    Fuzz.forAll(1_000, r -> List.of(peers.next(r), HostileHits.headerValues().next(r)), input -> {
      String forwardedFor = input.get(1);
      byte[] ip = resolver.resolve(input.get(0), forwardedFor.isEmpty() ? null : forwardedFor);
      assertThat(ip).isNotNull();
      assertThat(ip.length).isIn(4, 16);
    });
  }

  private static void assertOutcome(Hit hit, boolean passed) {
    if (passed) {
      assertThat(hit.drop).isNull();
      Event event = hit.event.build();
      assertThat(event.site()).isIn("example.com", "shop.example");
      assertThat(event.name()).isNotBlank();
    } else {
      assertThat(hit.drop).as("the reason of a dropped hit").isNotNull();
      int status = hit.drop.status();
      assertThat(status == 202 || status >= 400 && status < 500).as("%s answers %d", hit.drop, status).isTrue();
    }
  }
}
