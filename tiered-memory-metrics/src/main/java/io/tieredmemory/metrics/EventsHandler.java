package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code /memory/events}: the feed's decisions as Server-Sent Events, replaying the remembered ones
 * after {@code Last-Event-ID} (or {@code ?after=N}), with a keep-alive comment every 15 s. At most
 * {@code maxClients} at once; without a feed, 404.
 */
final class EventsHandler implements HttpHandler {
  private static final Duration KEEPALIVE = Duration.ofSeconds(15);

  private final @Nullable DecisionFeed feed;
  private final Semaphore clients;
  private final BooleanSupplier closing;

  EventsHandler(@Nullable DecisionFeed feed, int maxClients, BooleanSupplier closing) {
    this.feed = feed;
    this.clients = new Semaphore(maxClients);
    this.closing = closing;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (feed == null) {
      Http.send(
          ex,
          404,
          Http.TEXT,
          "no decision feed: attach a DecisionFeed to the store (.observer(feed)) and give it to"
              + " TieredMemoryEndpoint.builder().feed(feed)\n");
      return;
    }
    if (!clients.tryAcquire()) {
      Http.send(ex, 503, Http.TEXT, "too many event clients\n");
      return;
    }
    try (DecisionFeed.Subscription sub = feed.subscribeAfter(lastEventId(ex))) {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (!closing.getAsBoolean()) {
        DecisionFeed.Entry e = sub.poll(KEEPALIVE);
        String frame =
            e == null
                ? ": keepalive\n\n"
                : "id: " + e.sequence() + "\nevent: " + e.kind() + "\ndata: " + e.json() + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      clients.release();
    }
  }

  /** {@code Last-Event-ID} (reconnects) or {@code ?after=N}; by default replay the history. */
  private static long lastEventId(HttpExchange ex) {
    String id = ex.getRequestHeaders().getFirst("Last-Event-ID");
    String query = ex.getRequestURI().getQuery();
    if (id == null && query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("after=")) {
          id = part.substring("after=".length());
        }
      }
    }
    if (id == null) {
      return 0;
    }
    try {
      return Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
