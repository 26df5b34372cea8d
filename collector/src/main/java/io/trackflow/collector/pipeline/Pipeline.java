package io.trackflow.collector.pipeline;

import io.trackflow.collector.CollectorMetrics;
import java.util.List;

/**
 * The synchronous part of ingestion: parse → validate → site → user agent → geo → source →
 * visitor → event id, each a named {@link Step}. A step may drop the hit with a reason; the drop
 * is counted per reason and the remaining steps are skipped. The asynchronous part (dedup,
 * publish) runs per batch in {@link HitBatcher}.
 */
public final class Pipeline {

  private final List<Step> steps;
  private final CollectorMetrics metrics;

  public Pipeline(List<Step> steps, CollectorMetrics metrics) {
    this.steps = List.copyOf(steps);
    this.metrics = metrics;
  }

  /** Runs the steps over a hit; true when it survived them all. */
  public boolean run(Hit hit) {
    for (Step step : steps) {
      DropReason reason = step.apply(hit);
      if (reason != null) {
        hit.drop = reason;
        metrics.dropped(reason);
        return false;
      }
    }
    return true;
  }

  public List<String> stepNames() {
    return steps.stream().map(Step::name).toList();
  }
}
