package io.tieredmemory.reliability;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus text exposition format, as a scraper would. */
final class Scrape {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private Scrape() {}

  /** The sum of the samples of {@code name} whose labels include every entry of {@code labels}. */
  static double sum(String text, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      Map<String, String> found = new HashMap<>();
      String value;
      if (rest.startsWith("{")) {
        int close = rest.lastIndexOf('}');
        Matcher m = LABEL.matcher(rest.substring(1, close));
        while (m.find()) {
          found.put(m.group(1), m.group(2));
        }
        value = rest.substring(close + 1).trim();
      } else if (rest.startsWith(" ")) {
        value = rest.trim();
      } else {
        continue; // another metric whose name starts with this one
      }
      if (found.entrySet().containsAll(labels.entrySet())) {
        total += Double.parseDouble(value.split(" ")[0]);
      }
    }
    return total;
  }
}
