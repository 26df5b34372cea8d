package io.trackflow.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;

/**
 * Builds the Prometheus registry (with JVM and process metrics, which Vert.x leaves off) and a
 * Vert.x instance reporting into it, HTTP metrics labelled by route template, never raw path.
 */
public final class Observability {

  /** The path Prometheus scrapes; its own requests are not counted. */
  public static final String METRICS_PATH = "/metrics";

  private Observability() {}

  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Vert.x labels a request with every route it passed, joined by '>' (prefix handlers such as
    // "/api/*" included: "/api/>/api/>/api/v2/query"); the last one is the route that answered.
    registry.config().meterFilter(MeterFilter.replaceTagValues("route",
        route -> route.substring(route.lastIndexOf('>') + 1)));
    registry.config().meterFilter(MeterFilter.deny(id ->
        id.getName().startsWith("vertx.http.server")
            && (METRICS_PATH.equals(id.getTag("route")) || isHealth(id.getTag("route")))));
    registry.config().meterFilter(latencyHistograms());
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Publishes histogram buckets for request and TrackFlow timers so Grafana can show p95/p99
   * across instances (client-side percentiles cannot be aggregated).
   */
  private static MeterFilter latencyHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        boolean timed = id.getType() == Meter.Type.TIMER
            && (id.getName().startsWith("trackflow.")
                || id.getName().equals("vertx.http.server.response.time"));
        if (!timed) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
            .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos())
            .build()
            .merge(config);
      }
    };
  }

  private static boolean isHealth(String route) {
    return route != null && route.startsWith("/health");
  }

  public static Vertx newVertx(PrometheusMeterRegistry registry, VertxOptions options) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backends in a static map by this name: without a name of its own, a second
        // Vert.x in the same JVM (tests running several processes) reports into the first's registry.
        .setRegistryName("trackflow-" + Integer.toHexString(System.identityHashCode(registry)))
        .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE)
        // Per socket read/write (every Redis and PostgreSQL connection) and per event-bus
        // message: a cost on the collector's hot path for meters no dashboard or alert reads.
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
