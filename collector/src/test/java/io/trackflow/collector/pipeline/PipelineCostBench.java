package io.trackflow.collector.pipeline;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU per hit of the synchronous pipeline (parse → validate → site → user agent → geo → source →
 * visitor → event) over the real enrichers, in one thread. Not a test: a program for
 * docs/benchmarks.md, run as shown there.
 */
public final class PipelineCostBench {

  private PipelineCostBench() {}

  public static void main(String[] args) throws Exception {
    int hits = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    PipelineFixture f = new PipelineFixture();
    String[] agents = {
        PipelineFixture.UA,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"};
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 5; round++) {
      long start = bean.getCurrentThreadCpuTime();
      int passed = 0;
      for (int i = 0; i < hits; i++) {
        JsonObject event = new JsonObject().put("n", "pageview")
            .put("u", "https://example.com/docs/page-" + (i % 500) + "?utm_source=newsletter")
            .put("d", "example.com").put("r", "https://www.google.com/").put("w", 1280)
            .put("id", "id-" + i);
        Hit hit = new Hit(0, RawHit.fromJson(event), new byte[] {8, 8, (byte) (i >> 8), (byte) i},
            agents[i % agents.length], f.clock.millis());
        if (f.pipeline.run(hit)) {
          passed++;
        }
      }
      long nanos = bean.getCurrentThreadCpuTime() - start;
      System.out.printf("round %d: %,d hits, %,d passed, %.2f µs CPU per hit%n", round, hits, passed,
          nanos / 1000.0 / hits);
    }
  }
}
