package io.trackflow.core.rollup;

import java.time.LocalDate;

/**
 * One row of the rollups: a site's exact counts and visitors for one UTC hour or day and one
 * value of one dimension ({@code ""} for the site's total). Stored values are raw (an empty
 * source stays empty); answers apply their labels.
 *
 * @param day the UTC day the bucket lies in
 * @param hourly an hour row (else a day row)
 * @param bucketMs the bucket's start, epoch ms
 * @param visits sessions with an event in the bucket (event dimensions: distinct sessions of the
 *     value's events; otherwise the sessions that started in it)
 * @param visitors {@link VisitorSketch} text: the events' visitors for event dimensions, the
 *     sessions' visitors otherwise
 */
public record RollupRow(String site, LocalDate day, boolean hourly, long bucketMs, String dimension, String value,
    long events, long pageviews, long visits, long sessions, long bounces, long durationMs, long sessionPageviews,
    long engagedVisits, long scrollSum, long engagedMs, String visitors) {}
