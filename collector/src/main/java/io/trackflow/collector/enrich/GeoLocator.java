package io.trackflow.collector.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country (ISO 3166-1 alpha-2) of an IP address, from a MaxMind-format database held in memory.
 * The collector ships the CC0 ip-location-db country database (built from RIR data published by
 * the NRO under CC BY 4.0), fetched when the module is built.
 */
public final class GeoLocator {

  private static final Logger log = LoggerFactory.getLogger(GeoLocator.class);

  /** Classpath location of the bundled database. */
  public static final String DEFAULT_RESOURCE = "trackflow/geo/geo-whois-asn-country.mmdb";

  private final Reader reader;

  private GeoLocator(Reader reader) {
    this.reader = reader;
  }

  /** Loads the database from the classpath (blocking: call it off the event loop). */
  public static GeoLocator load(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        log.warn("No country database at {} on the classpath; countries will be empty", resource);
        return new GeoLocator(null);
      }
      return new GeoLocator(new Reader(in, new CHMCache()));
    } catch (IOException e) {
      log.warn("Country database {} could not be read ({}); countries will be empty", resource, e.toString());
      return new GeoLocator(null);
    }
  }

  public boolean available() {
    return reader != null;
  }

  /** The country code of the address, or "" when unknown (private ranges, no database). */
  public String country(byte[] address) {
    if (reader == null || address == null) {
      return "";
    }
    try {
      Country c = reader.get(InetAddress.getByAddress(address), Country.class);
      return c == null || c.code == null ? "" : c.code;
    } catch (UnknownHostException e) {
      return "";
    } catch (IOException | RuntimeException e) {
      // A corrupt record must not fail the hit: the country is simply unknown.
      return "";
    }
  }

  /** The one field the database holds per network. */
  public static final class Country {
    final String code;

    @MaxMindDbConstructor
    public Country(@MaxMindDbParameter(name = "country_code") String code) {
      this.code = code;
    }
  }
}
