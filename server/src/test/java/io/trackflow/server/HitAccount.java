package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * One site's hits as collectors count them in {@code /metrics}, summed over their scrapes:
 * received, and each fate. The identity {@code received + recovered = accepted + duplicate + bot +
 * privacy + rejected + lost + spooled} holds per collector process, where recovered is what the process
 * found in its spool at start-up; summed over the processes that ran one after the other on one
 * spool, recovered cancels against the spooled of the process before (docs/reliability.md).
 */
record HitAccount(double received, double accepted, double duplicate, double bot, double privacy,
    double rejected, double lost, double spooled, double recovered) {

  static HitAccount of(String site, List<PrometheusScrape> scrapes) {
    double[] v = new double[9];
    for (PrometheusScrape s : scrapes) {
      v[0] += s.sum("trackflow_collector_hits_received_total", "site", site);
      v[1] += s.sum("trackflow_collector_hits_accepted_total", "site", site);
      v[2] += s.sum("trackflow_collector_hits_duplicate_total", "site", site);
      v[3] += s.sum("trackflow_collector_hits_bot_total", "site", site);
      v[4] += s.sum("trackflow_collector_hits_privacy_total", "site", site);
      v[5] += s.sum("trackflow_collector_hits_rejected_total", "site", site);
      v[6] += s.sum("trackflow_collector_hits_lost_total", "site", site);
      v[7] += s.sum("trackflow_collector_hits_spooled", "site", site);
      v[8] += s.sum("trackflow_collector_spool_recovered_total", "site", site);
    }
    return new HitAccount(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
  }

  static HitAccount of(String site, PrometheusScrape scrape) {
    return of(site, List.of(scrape));
  }

  /** Asserts the identity, exactly. */
  HitAccount assertBalanced() {
    assertThat(accepted + duplicate + bot + privacy + rejected + lost + spooled)
        .as("accepted + duplicate + bot + privacy + rejected + lost + spooled of %s", this)
        .isEqualTo(received + recovered);
    return this;
  }
}
