package io.trackflow.collector.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country (ISO 3166-1 alpha-2), and where a city database is configured region (ISO 3166-2) and
 * city, of an IP address, from MaxMind-format databases held in memory. The collector ships the
 * CC0 ip-location-db country database (built from RIR data published by the NRO under CC BY
 * 4.0), fetched when the module is built. City databases are not redistributable (GeoLite2's
 * licence forbids it), so an operator names one with {@code TRACKFLOW_GEO_CITY_DB}.
 *
 * <p>Two city layouts are read: MaxMind's GeoIP2/GeoLite2 City ({@code country.iso_code},
 * {@code subdivisions[0].iso_code}, {@code city.names.en}), which gives regions and cities, and
 * ip-location-db's flat one ({@code country_code}, {@code state1}, {@code city}), which names the
 * region but has no code for it, so it gives cities only.
 */
public final class GeoLocator {

  private static final Logger log = LoggerFactory.getLogger(GeoLocator.class);

  /** Classpath location of the bundled database. */
  public static final String DEFAULT_RESOURCE = "trackflow/geo/geo-whois-asn-country.mmdb";

  /** Where an address is, as far as the databases know; empty strings where they do not. */
  public record Place(String country, String region, String city) {
    public static final Place UNKNOWN = new Place("", "", "");
  }

  private final Reader countries;
  private final Reader cities;
  private final boolean maxMindLayout;

  private GeoLocator(Reader countries, Reader cities) {
    this.countries = countries;
    this.cities = cities;
    this.maxMindLayout = cities != null && maxMindLayout(cities.getMetadata().getDatabaseType());
  }

  /** Loads the country database from the classpath (blocking: call it off the event loop). */
  public static GeoLocator load(ClassLoader loader, String resource) {
    return new GeoLocator(countries(loader, resource), null);
  }

  /**
   * Loads the country database from the classpath and the city database from {@code cityDb}
   * (blocking). A city database that cannot be read fails, naming the file: the operator asked
   * for it.
   */
  public static GeoLocator load(ClassLoader loader, String resource, Path cityDb) throws IOException {
    Reader cities;
    try {
      cities = new Reader(cityDb.toFile(), new CHMCache());
    } catch (IOException | RuntimeException e) {
      throw new IOException("the city database " + cityDb + " cannot be read as a MaxMind database: " + e.getMessage(), e);
    }
    log.info("City database {} loaded ({}, built {}): regions {}, cities on", cityDb,
        cities.getMetadata().getDatabaseType(), cities.getMetadata().getBuildDate().toInstant(),
        maxMindLayout(cities.getMetadata().getDatabaseType()) ? "on" : "off (the file has no region codes)");
    return new GeoLocator(countries(loader, resource), cities);
  }

  private static Reader countries(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        log.warn("No country database at {} on the classpath; countries will be empty", resource);
        return null;
      }
      return new Reader(in, new CHMCache());
    } catch (IOException e) {
      log.warn("Country database {} could not be read ({}); countries will be empty", resource, e.toString());
      return null;
    }
  }

  // MaxMind's own files and DB-IP's lite ones use the GeoIP2 layout; ip-location-db's say "city ipv4".
  private static boolean maxMindLayout(String databaseType) {
    String type = databaseType == null ? "" : databaseType.toLowerCase(Locale.ROOT);
    return type.startsWith("geoip2") || type.startsWith("geolite2") || type.startsWith("dbip");
  }

  public boolean available() {
    return countries != null;
  }

  /** True when a city database is loaded, so events carry cities. */
  public boolean citiesAvailable() {
    return cities != null;
  }

  /** True when the city database has region codes, so events carry regions. */
  public boolean regionsAvailable() {
    return maxMindLayout;
  }

  /** The country code of the address, or "" when unknown (private ranges, no database). */
  public String country(byte[] address) {
    return locate(address).country();
  }

  /** Country, region and city of the address; the city database's country wins where it has one. */
  public Place locate(byte[] address) {
    if (address == null) {
      return Place.UNKNOWN;
    }
    InetAddress inet;
    try {
      inet = InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      return Place.UNKNOWN;
    }
    Place place = cities == null ? Place.UNKNOWN : city(inet);
    if (place.country().isEmpty()) {
      place = new Place(country(inet), place.region(), place.city());
    }
    return place;
  }

  private String country(InetAddress inet) {
    if (countries == null) {
      return "";
    }
    try {
      Country c = countries.get(inet, Country.class);
      return c == null || c.code == null ? "" : c.code;
    } catch (IOException | RuntimeException e) {
      // A corrupt record must not fail the hit: the country is simply unknown.
      return "";
    }
  }

  private Place city(InetAddress inet) {
    try {
      if (maxMindLayout) {
        MaxMindCity c = cities.get(inet, MaxMindCity.class);
        return c == null ? Place.UNKNOWN : c.place();
      }
      FlatCity c = cities.get(inet, FlatCity.class);
      return c == null ? Place.UNKNOWN : new Place(nonNull(c.country), "", nonNull(c.city));
    } catch (IOException | RuntimeException e) {
      // An IPv6 address in an IPv4-only file, or a corrupt record: the place is unknown.
      return Place.UNKNOWN;
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** The one field the bundled country database holds per network. */
  public static final class Country {
    final String code;

    @MaxMindDbConstructor
    public Country(@MaxMindDbParameter(name = "country_code") String code) {
      this.code = code;
    }
  }

  /** ip-location-db's flat city record. */
  public static final class FlatCity {
    final String country;
    final String city;

    @MaxMindDbConstructor
    public FlatCity(@MaxMindDbParameter(name = "country_code") String country,
        @MaxMindDbParameter(name = "city") String city) {
      this.country = country;
      this.city = city;
    }
  }

  /** The parts of a GeoIP2 City record the collector reads. */
  public static final class MaxMindCity {
    final IsoCode country;
    final List<IsoCode> subdivisions;
    final Names city;

    @MaxMindDbConstructor
    public MaxMindCity(@MaxMindDbParameter(name = "country") IsoCode country,
        @MaxMindDbParameter(name = "subdivisions") List<IsoCode> subdivisions,
        @MaxMindDbParameter(name = "city") Names city) {
      this.country = country;
      this.subdivisions = subdivisions;
      this.city = city;
    }

    Place place() {
      String countryCode = country == null ? "" : nonNull(country.isoCode);
      String subdivision = subdivisions == null || subdivisions.isEmpty() ? "" : nonNull(subdivisions.get(0).isoCode);
      // ISO 3166-2 codes are the country code, a hyphen and the subdivision's own code.
      String region = countryCode.isEmpty() || subdivision.isEmpty() ? "" : countryCode + "-" + subdivision;
      String name = city == null || city.names == null ? "" : nonNull(city.names.get("en"));
      return new Place(countryCode, region, name);
    }
  }

  /** A country or subdivision: its ISO code. */
  public static final class IsoCode {
    final String isoCode;

    @MaxMindDbConstructor
    public IsoCode(@MaxMindDbParameter(name = "iso_code") String isoCode) {
      this.isoCode = isoCode;
    }
  }

  /** A city: its names by language. */
  public static final class Names {
    final Map<String, String> names;

    @MaxMindDbConstructor
    public Names(@MaxMindDbParameter(name = "names") Map<String, String> names) {
      this.names = names;
    }
  }
}
