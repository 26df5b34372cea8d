package io.trackflow.core.rollup;

import java.time.LocalDate;

/**
 * One row of the rollups: a site's exact counts and distinct visitors for one UTC hour or day
 * and one value of one dimension ({@code ""} for the site's total). Stored values are raw (an
 * empty source stays empty); answers apply their labels.
 *
 * @param day the UTC day the bucket lies in
 * @param hourly an hour row (else a day row)
 * @param bucketMs the bucket's start, epoch ms
 * @param visits sessions with an event in the bucket (event dimensions: distinct sessions of the
 *     value's events; otherwise the sessions that started in it)
 * @param visitorCount distinct visitors: of the events for event dimensions, of the sessions
 *     otherwise
 * @param visitorsBefore day rows: for each hour h of the day, the distinct visitors of [00:00,
 *     h:00) as 24 comma-separated numbers (the first is 0); empty on hour rows
 * @param visitorsFrom day rows: for each hour h, the distinct visitors of [h:00, 24:00) (the
 *     first is the day's count); empty on hour rows
 */
public record RollupRow(String site, LocalDate day, boolean hourly, long bucketMs, String dimension, String value,
    long events, long pageviews, long visits, long sessions, long bounces, long durationMs, long sessionPageviews,
    long engagedVisits, long scrollSum, long engagedMs, long visitorCount, String visitorsBefore,
    String visitorsFrom) {}
