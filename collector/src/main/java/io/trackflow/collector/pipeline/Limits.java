package io.trackflow.collector.pipeline;

/** Input limits of the collector; each violation has its own {@link DropReason}. */
public record Limits(
    int maxBodyBytes, int maxBatch, int maxUrl, int maxReferrer, int maxName, int maxDomain,
    int maxProps, int maxPropKey, int maxPropValue, int maxId, int maxScreenWidth,
    long maxEngagedMillis, long clientTimestampPastMillis, long clientTimestampFutureMillis) {

  /** The documented defaults; the body limit comes from configuration. */
  public static Limits defaults(int maxBodyBytes) {
    return new Limits(maxBodyBytes, 100, 2048, 2048, 120, 253, 30, 300, 2000, 128, 100_000,
        24L * 3600 * 1000, 5 * 60 * 1000L, 30 * 1000L);
  }
}
