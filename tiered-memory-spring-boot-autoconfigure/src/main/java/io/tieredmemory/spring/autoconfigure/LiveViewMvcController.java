package io.tieredmemory.spring.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live view under Spring MVC, at {@code tiered-memory.live-view.path}. Each event-stream client
 * has a thread of a small pool (at most {@code max-event-clients}), never a request thread; the
 * stream ends when the client goes away (seen at the next write: a decision or the keep-alive
 * comment every 15 s) and when the context stops, before the web server's graceful shutdown.
 */
@Controller
@RequestMapping("${tiered-memory.live-view.path:/tiered-memory}")
final class LiveViewMvcController implements SmartLifecycle {
  static final Duration KEEPALIVE = Duration.ofSeconds(15);
  static final Duration RECONNECT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(500);

  private final LiveViewSource source;
  private final String lastSegment;
  private final ExecutorService executor;
  private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private volatile boolean closing;

  LiveViewMvcController(LiveViewSource source, String path, int maxClients) {
    this.source = source;
    this.lastSegment = path.substring(path.lastIndexOf('/') + 1);
    this.executor =
        new ThreadPoolExecutor(
            0,
            // The source's semaphore is the limit; room for threads still finishing a stream.
            2 * maxClients,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "tiered-memory-live-view");
              t.setDaemon(true);
              return t;
            });
  }

  /** {@code <path>} redirects to {@code <path>/}, where the page's relative URLs resolve. */
  @GetMapping("")
  ResponseEntity<Void> redirect() {
    return ResponseEntity.status(HttpStatus.PERMANENT_REDIRECT)
        .header("Location", lastSegment + "/")
        .build();
  }

  @GetMapping("/")
  ResponseEntity<byte[]> page() {
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noCache())
        .body(source.page());
  }

  @GetMapping("/stats")
  ResponseEntity<String> stats() {
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .cacheControl(CacheControl.noStore())
        .body(source.statsJson());
  }

  /**
   * What each store's next sweep would move ({@code ?limit=N&store=S}); 400 with a message naming
   * the parameter for a bad one.
   */
  @GetMapping("/plan")
  ResponseEntity<String> plan(
      @RequestParam(value = "limit", required = false) @Nullable String limit,
      @RequestParam(value = "store", required = false) @Nullable String store) {
    try {
      return ResponseEntity.ok()
          .contentType(MediaType.APPLICATION_JSON)
          .cacheControl(CacheControl.noStore())
          .body(source.planJson(limit, store));
    } catch (IllegalArgumentException e) {
      return ResponseEntity.badRequest()
          .contentType(MediaType.TEXT_PLAIN)
          .body(e.getMessage() + "\n");
    }
  }

  /**
   * A memory's history ({@code ?key=K&store=S}): JSON, or 400 naming the parameter, 404 for a key
   * no store knows, 501 for a store that keeps no history, 503 when WARM failed (text saying why).
   */
  @GetMapping("/history")
  ResponseEntity<String> history(
      @RequestParam(value = "key", required = false) @Nullable String key,
      @RequestParam(value = "store", required = false) @Nullable String store) {
    java.util.Map.Entry<Integer, String> answer = source.historyJson(key, store);
    boolean ok = answer.getKey() == 200;
    return ResponseEntity.status(answer.getKey())
        .contentType(ok ? MediaType.APPLICATION_JSON : MediaType.TEXT_PLAIN)
        .cacheControl(CacheControl.noStore())
        .body(ok ? answer.getValue() : answer.getValue() + "\n");
  }

  @GetMapping(value = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  SseEmitter events(@RequestHeader(value = "Last-Event-ID", required = false) @Nullable String last)
      throws IOException {
    if (closing) {
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "shutting down");
    }
    LiveViewSource.Cursor cursor = source.open(last);
    if (cursor == null) {
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "too many event clients");
    }
    SseEmitter emitter = new SseEmitter(0L);
    AtomicBoolean done = new AtomicBoolean();
    emitter.onCompletion(() -> done.set(true));
    emitter.onTimeout(() -> done.set(true));
    emitter.onError(e -> done.set(true));
    emitters.add(emitter);
    try {
      executor.execute(() -> stream(emitter, cursor, done));
    } catch (RejectedExecutionException e) {
      emitters.remove(emitter);
      cursor.close();
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "too many event clients");
    }
    return emitter;
  }

  private void stream(SseEmitter emitter, LiveViewSource.Cursor cursor, AtomicBoolean done) {
    try (cursor) {
      emitter.send(SseEmitter.event().reconnectTime(RECONNECT.toMillis()).comment("connected"));
      long keepaliveAt = System.nanoTime() + KEEPALIVE.toNanos();
      while (!done.get() && !closing) {
        LiveViewSource.Frame f = cursor.next(POLL);
        if (f != null) {
          emitter.send(SseEmitter.event().id(f.id()).name(f.event()).data(f.data()));
          keepaliveAt = System.nanoTime() + KEEPALIVE.toNanos();
        } else if (System.nanoTime() - keepaliveAt >= 0) {
          emitter.send(SseEmitter.event().comment("keepalive"));
          keepaliveAt = System.nanoTime() + KEEPALIVE.toNanos();
        }
      }
      emitter.complete();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      emitter.complete();
    } catch (IOException | IllegalStateException e) {
      // the client went away, or the response is already complete
      emitter.completeWithError(e);
    } finally {
      emitters.remove(emitter);
    }
  }

  @Override
  public void start() {
    running = true;
  }

  /** Ends every event stream, so that the web server's graceful shutdown does not wait on them. */
  @Override
  public void stop() {
    closing = true;
    running = false;
    for (SseEmitter e : emitters) {
      e.complete();
    }
    executor.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
