package io.trackflow.core.site;

/** What the collector knows of a site: its domain (the tracker's public key) and time zone. */
public record SiteInfo(String domain, String timezone) {}
