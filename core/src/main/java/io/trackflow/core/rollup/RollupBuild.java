package io.trackflow.core.rollup;

import java.time.LocalDate;

/**
 * What one build of a UTC day's rollups saw.
 *
 * @param eventsSeen stored event rows of the day when the build read it (all sites): a later
 *     different count means the day changed and is rebuilt
 * @param crossingIn sessions with events on the day that started on an earlier day
 * @param crossingOut sessions started by the end of the day with activity after it
 */
public record RollupBuild(LocalDate day, long eventsSeen, long crossingIn, long crossingOut) {}
