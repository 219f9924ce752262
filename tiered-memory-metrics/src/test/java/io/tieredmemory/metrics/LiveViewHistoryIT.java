package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testservers.HeadlessChromium;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live view's history box in headless Chromium, on the endpoint's own server: a key's timeline
 * (its put and its demotion, newest first, with instance, reason, detail and inputs), an unknown
 * key (404) and a store that keeps no history (501, saying how to turn it on), each in words.
 *
 * <p>Needs Debian's Chromium and chromedriver; fails, never skips, without them.
 */
@Timeout(60)
class LiveViewHistoryIT {
  @Test
  void historyBox_showsATimeline_andSaysWhatAn404OrA501Means() throws Exception {
    PlanHandlerTest.Moving clock = new PlanHandlerTest.Moving(Instant.now());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    List<TieredMemory> stores = new ArrayList<>();
    for (String name : List.of("with-history", "without-history")) {
      stores.add(
          TieredMemory.builder(name)
              .discoverObservers(false)
              .disableScheduledSweeps()
              .clock(clock)
              .observer(feed)
              .policy(TieringPolicy.custom().demoteWhenIdle(Duration.ofMinutes(30)).build())
              .history(name.equals("with-history"))
              .instanceId("web-1")
              .build());
    }
    try (TieredMemoryEndpoint e =
            TieredMemoryEndpoint.builder()
                .port(0)
                .registry(registry)
                .feed(feed)
                .stores(stores)
                .start();
        HeadlessChromium browser = HeadlessChromium.start()) {
      long version = stores.get(0).put("user:42:lang", "French", Map.of()).version();
      stores.get(1).put("user:42:lang", "French", Map.of());
      clock.now = clock.now.plus(Duration.ofMinutes(31));
      stores.get(0).sweep(); // demoted: idle 31m

      ChromeDriver driver = browser.driver();
      driver.get(e.uri().resolve("/memory/").toString());
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
      wait.until(d -> new Select(d.findElement(By.id("store"))).getOptions().size() == 2);

      search(driver, "user:42:lang");
      wait.until(d -> d.findElements(By.cssSelector("#history-entries tr")).size() == 2);
      assertThat(driver.findElement(By.id("history-now")).getText())
          .isEqualTo(
              feed.keyLabel("user:42:lang")
                  + " in with-history: now in WARM (version "
                  + version
                  + ") · 2 entries, newest first");
      List<WebElement> rows = driver.findElements(By.cssSelector("#history-entries tr"));
      assertThat(cells(rows.get(0)))
          .containsExactly(
              "web-1",
              "demoted",
              "hot → warm",
              "hot idle",
              "idle 31m",
              "idle 31m · idle limit 30m");
      assertThat(cells(rows.get(1))).containsExactly("web-1", "put", "– → warm", "", "created", "");
      assertThat(driver.findElement(By.id("history-table")).isDisplayed()).isTrue();

      search(driver, "nobody:ever");
      wait.until(
          d ->
              d.findElement(By.id("history-now"))
                  .getText()
                  .startsWith("No memory and no history of that key in with-history"));
      assertThat(driver.findElement(By.id("history-table")).isDisplayed()).isFalse();

      new Select(driver.findElement(By.id("store"))).selectByValue("without-history");
      search(driver, "user:42:lang");
      wait.until(d -> d.findElement(By.id("history-now")).getText().startsWith("History is off"));
      assertThat(driver.findElement(By.id("history-now")).getText())
          .contains("history(true)", "tiered-memory.history.enabled=true");

      // Chromium logs each answer >= 400 as an error: the 404 and 501 above, nothing else.
      List<LogEntry> severe =
          browser.consoleErrors().stream()
              .filter(l -> !l.getMessage().matches("(?s).*/memory/history\\?key=.* (404|501) .*"))
              .toList();
      assertThat(severe).as("browser console errors").isEmpty();
    } finally {
      stores.forEach(TieredMemory::close);
    }
  }

  private static void search(ChromeDriver driver, String key) {
    WebElement box = driver.findElement(By.id("history-key"));
    box.clear();
    box.sendKeys(key);
    driver.findElement(By.id("history-search")).click();
  }

  /** The row's cells but the time. */
  private static List<String> cells(WebElement row) {
    return row.findElements(By.tagName("td")).stream().skip(1).map(WebElement::getText).toList();
  }
}
