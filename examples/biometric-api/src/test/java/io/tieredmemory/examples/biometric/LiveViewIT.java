package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.HistoryEntry;
import io.tieredmemory.core.MemoryHistory;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testservers.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live view ({@code /memory/}) in headless Chromium while the agent simulator runs: it loads
 * without console errors, says it is live, its tier counts and decision feed move, and it says what
 * the agent's last searches recalled, from which tiers; a key the agent wrote, typed into the
 * history search box, shows its put and its moves. Leaves screenshots in {@code
 * target/live-view.png} and {@code target/live-view-history.png}.
 *
 * <p>Needs Debian's Chromium and chromedriver ({@code /usr/bin/chromium}, {@code
 * /usr/bin/chromedriver}); fails, never skips, without them.
 */
@Timeout(90)
class LiveViewIT {
  private static final Duration MOVES_WITHIN = Duration.ofSeconds(25);
  private static final Set<HistoryEntry.Kind> MOVES =
      EnumSet.of(
          HistoryEntry.Kind.PROMOTED,
          HistoryEntry.Kind.DEMOTED,
          HistoryEntry.Kind.ARCHIVED,
          HistoryEntry.Kind.REHYDRATED);

  private static BiometricService service;
  private static SimulatedAgent agent;
  private static HeadlessChromium browser;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws IOException {
    browser = HeadlessChromium.start();
    driver = browser.driver();
    BiometricService.Settings settings =
        BiometricService.Settings.demo(ServiceConfig.defaults().withPort(0))
            .withFaultRate(ApiOptions.DEFAULT_SIMULATOR_FAULT_RATE);
    service = BiometricService.start(settings);
    agent =
        new SimulatedAgent(
            service.uri(),
            42,
            settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2)));
    agent.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void liveView_loadsCleanlyAndMovesWhileTheAgentWorks() throws IOException {
    driver.get(service.liveView().toString());
    WebDriverWait wait = new WebDriverWait(driver, MOVES_WITHIN);

    assertThat(driver.getTitle()).contains("tiered-memory");
    wait.until(d -> d.findElement(By.id("status")).getAttribute("class").contains("live"));
    assertThat(text("status-text")).isEqualTo("live");

    wait.until(d -> tierCounts() != null);
    List<Long> first = tierCounts();
    wait.until(d -> tierCounts() != null && !tierCounts().equals(first));
    List<Long> later = tierCounts();
    assertThat(later).as("hot, warm, cold after %s", first).isNotEqualTo(first);

    wait.until(d -> feedEntries() > 0);
    int entries = feedEntries();
    wait.until(d -> feedEntries() > entries);
    // The movements the first ~15 s bring: demotions at once, promotions soon after.
    wait.until(d -> feedText().contains("demoted hot → warm"));
    wait.until(d -> feedText().contains("promoted warm → hot"));
    assertThat(text("hit-ratio")).matches("\\d+%");
    assertThat(text("policy")).contains("promote after 2 reads in 10s");
    // The plan's line, fed by /memory/plan: what the next sweep would move, in words.
    wait.until(d -> text("plan").matches("next sweep: (nothing to move|(archive|demote|drop) .*)"));
    assertThat(text("plan")).doesNotContain("unavailable");
    // The recall line, fed by the recalled events of the agent's searches: how many memories the
    // last answers used, and the tier (and similarity) of each.
    wait.until(
        d ->
            text("recall")
                .matches(
                    "recalled for the last (answer|[23] answers): [1-9]\\d* memor(y|ies)"
                        + " \\((hot|warm|cold)( -?\\d\\.\\d\\d)?(, .*)?\\)"));

    // The kinds table: one row per metric (the demo's kinds), none and other, with numbers in
    // every tier column; WARM holds readings of some kind by now.
    wait.until(d -> d.findElement(By.id("kinds")).isDisplayed());
    wait.until(d -> kindRows().size() == MetricKind.values().length + 2);
    assertThat(kindRows())
        .containsKeys("heart_rate", "hrv", "sleep_stage", "steps", "none", "other");
    wait.until(d -> kindRows().values().stream().anyMatch(r -> !r.get(1).equals("0")));
    kindRows()
        .values()
        .forEach(r -> assertThat(r.subList(0, 3)).allMatch(c -> c.matches("[0-9.]+k?")));

    // A memory's history: a key the agent wrote and the sweeps moved, typed into the search box.
    String key = wait.until(d -> movedKey());
    WebElement box = driver.findElement(By.id("history-key"));
    box.clear();
    box.sendKeys(key);
    driver.findElement(By.id("history-search")).click();
    wait.until(d -> historyKinds().size() >= 2);
    assertThat(text("history-now"))
        .matches(
            "k:[0-9a-f]{12} in "
                + BiometricService.STORE_NAME
                + ": (now in (HOT|WARM|COLD) \\(version \\d+\\)|held by no tier \\(deleted\\)) · \\d+ entr(y|ies), newest first");
    List<String> kinds = historyKinds();
    // Newest first: the put is the oldest entry, a move follows it.
    assertThat(kinds.get(kinds.size() - 1)).isEqualTo("put");
    assertThat(kinds).containsAnyOf("promoted", "demoted", "archived", "rehydrated");
    List<WebElement> put = rows().get(rows().size() - 1).findElements(By.tagName("td"));
    assertThat(put.get(1).getText()).isNotBlank(); // the instance
    assertThat(put.get(3).getText()).isEqualTo("– → warm");
    assertThat(put.get(5).getText()).isNotBlank(); // the detail: created
    WebElement move =
        rows().stream()
            .filter(
                r ->
                    List.of("promoted", "demoted", "archived", "rehydrated")
                        .contains(r.findElement(By.cssSelector("td.what")).getText()))
            .findFirst()
            .orElseThrow();
    assertThat(move.findElement(By.cssSelector("td.move")).getText())
        .matches("(hot|warm|cold) → (hot|warm|cold)");
    assertThat(move.findElement(By.cssSelector("td.h-reason")).getText()).isNotBlank();
    // A key nobody wrote: 404 in words.
    box.clear();
    box.sendKeys("no-such-key-" + System.nanoTime());
    driver.findElement(By.id("history-search")).click();
    wait.until(d -> text("history-now").startsWith("No memory and no history of that key"));
    assertThat(driver.findElement(By.id("history-table")).getAttribute("hidden")).isNotNull();
    // Back to the moved key, for the screenshot.
    box.clear();
    box.sendKeys(key);
    driver.findElement(By.id("history-search")).click();
    wait.until(d -> historyKinds().size() >= 2);

    // The history section alone, then the whole page from its top.
    Path historyShot = Path.of("target", "live-view-history.png");
    Files.createDirectories(historyShot.getParent());
    Files.copy(
        driver.findElement(By.id("history-section")).getScreenshotAs(OutputType.FILE).toPath(),
        historyShot,
        StandardCopyOption.REPLACE_EXISTING);
    driver.executeScript("window.scrollTo(0, 0)");
    Path shot = Path.of("target", "live-view.png");
    Files.copy(
        driver.getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);

    // Chromium logs every answer >= 400 as an error: the unknown key's 404 above is expected.
    List<LogEntry> severe =
        browser.consoleErrors().stream()
            .filter(e -> !e.getMessage().contains("/memory/history?key=no-such-key-"))
            .toList();
    assertThat(severe).as("browser console errors").isEmpty();
    assertThat(agent.failures()).as(String.valueOf(agent.lastFailure())).isZero();
  }

  /**
   * A key the agent wrote whose history holds its put and at least one move (promotion, demotion,
   * archive or rehydration), or null while none has one yet.
   */
  private static String movedKey() {
    TieredMemory store = service.store();
    for (SearchHit hit : store.search("heart rate pulse steps sleep", 50)) {
      MemoryHistory h = store.history(hit.memory().key());
      List<HistoryEntry.Kind> kinds = h.entries().stream().map(HistoryEntry::kind).toList();
      if (kinds.contains(HistoryEntry.Kind.PUT) && kinds.stream().anyMatch(MOVES::contains)) {
        return hit.memory().key();
      }
    }
    return null;
  }

  private static List<WebElement> rows() {
    return driver.findElements(By.cssSelector("#history-entries tr"));
  }

  private static List<String> historyKinds() {
    List<String> kinds = new ArrayList<>();
    for (WebElement r : rows()) {
      kinds.add(r.findElement(By.cssSelector("td.what")).getText());
    }
    return kinds;
  }

  /** The three tier counts if all are numbers, else null. */
  private static List<Long> tierCounts() {
    List<Long> counts = new ArrayList<>();
    for (String tier : new String[] {"hot", "warm", "cold"}) {
      String t = text("items-" + tier);
      if (!t.matches("\\d+")) {
        return null;
      }
      counts.add(Long.parseLong(t));
    }
    return counts;
  }

  /**
   * The kinds table: kind to its hot, warm, cold counts and its "moving now" text. Read in one
   * script, since the page rebuilds the table every second (elements found one by one go stale).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> kindRows() {
    List<List<String>> table =
        (List<List<String>>)
            ((JavascriptExecutor) driver)
                .executeScript(
                    "return [...document.querySelectorAll('#kinds-rows tr')]"
                        + ".map(tr => [...tr.cells].map(td => td.textContent.trim()));");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (List<String> cells : table) {
      rows.put(cells.get(0), cells.subList(1, cells.size()));
    }
    return rows;
  }

  private static int feedEntries() {
    return driver.findElements(By.cssSelector("#feed li:not(.empty)")).size();
  }

  private static String feedText() {
    return driver.findElement(By.id("feed")).getText();
  }

  private static String text(String id) {
    WebElement e = driver.findElement(By.id(id));
    return e.getText().trim();
  }
}
