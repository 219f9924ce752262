package io.tieredmemory.spring.autoconfigure;

import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tiered-memory.live-view.*} properties: the live view served by the application's own
 * web server (Spring MVC or WebFlux).
 */
@ConfigurationProperties("tiered-memory.live-view")
public class TieredMemoryLiveViewProperties {
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

  /** Whether to serve the live view (the page, its stats and its event stream). */
  private boolean enabled = true;

  /**
   * Base path of the live view: the page at path + "/", the stats at path + "/stats", the decisions
   * (Server-Sent Events) at path + "/events". Starts with '/', no trailing '/'.
   */
  private String path = "/tiered-memory";

  /** How many event-stream clients may be connected at once; more are answered 503. */
  private int maxEventClients = 16;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    if (path == null || !PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "path must start with '/', not end with '/', and hold only letters, digits, '.', '_', '~',"
              + " '-' and '/', was '"
              + path
              + "'");
    }
    this.path = path;
  }

  public int getMaxEventClients() {
    return maxEventClients;
  }

  public void setMaxEventClients(int maxEventClients) {
    if (maxEventClients < 1) {
      throw new IllegalArgumentException("max-event-clients must be >= 1, was " + maxEventClients);
    }
    this.maxEventClients = maxEventClients;
  }
}
