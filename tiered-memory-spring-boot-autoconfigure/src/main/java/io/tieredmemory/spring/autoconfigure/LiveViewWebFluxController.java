package io.tieredmemory.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The live view under WebFlux, at {@code tiered-memory.live-view.path}. An event stream holds no
 * thread: the feeds are drained every 200 ms, with a keep-alive comment every 15 s; it ends when
 * the client goes away and when the context stops, before the web server's graceful shutdown.
 */
@Controller
@RequestMapping("${tiered-memory.live-view.path:/tiered-memory}")
final class LiveViewWebFluxController implements SmartLifecycle {
  private static final Duration DRAIN_EVERY = Duration.ofMillis(200);
  private static final int DRAIN_MAX = 256;

  private final LiveViewSource source;
  private final String lastSegment;
  private final Sinks.Empty<Void> shutdown = Sinks.empty();
  private volatile boolean running;
  private volatile boolean closing;

  LiveViewWebFluxController(LiveViewSource source, String path) {
    this.source = source;
    this.lastSegment = path.substring(path.lastIndexOf('/') + 1);
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
        .contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
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
  Flux<ServerSentEvent<String>> events(
      @RequestHeader(value = "Last-Event-ID", required = false) @Nullable String last) {
    if (closing) {
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "shutting down");
    }
    return Flux.using(
            () -> {
              LiveViewSource.Cursor cursor = source.open(last);
              if (cursor == null) {
                throw new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "too many event clients");
              }
              return cursor;
            },
            cursor -> Flux.concat(hello(), Flux.merge(decisions(cursor), keepalive())),
            LiveViewSource.Cursor::close)
        .takeUntilOther(shutdown.asMono());
  }

  private static Flux<ServerSentEvent<String>> hello() {
    return Flux.just(
        ServerSentEvent.<String>builder()
            .retry(LiveViewMvcController.RECONNECT)
            .comment("connected")
            .build());
  }

  private static Flux<ServerSentEvent<String>> decisions(LiveViewSource.Cursor cursor) {
    return Flux.interval(Duration.ZERO, DRAIN_EVERY)
        .onBackpressureDrop()
        .concatMapIterable(tick -> cursor.drain(DRAIN_MAX), 1)
        .map(
            f ->
                ServerSentEvent.<String>builder()
                    .id(f.id())
                    .event(f.event())
                    .data(f.data())
                    .build());
  }

  private static Flux<ServerSentEvent<String>> keepalive() {
    return Flux.interval(LiveViewMvcController.KEEPALIVE)
        .onBackpressureDrop()
        .map(tick -> ServerSentEvent.<String>builder().comment("keepalive").build());
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
    shutdown.tryEmitEmpty();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
