package io.tieredmemory.examples.bootagent;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What an agent does with its memory, over HTTP: remember ({@code PUT /memories/{key}}), recall
 * ({@code GET /memories/{key}}), forget ({@code DELETE /memories/{key}}) and search ({@code GET
 * /memories?q=...&k=3}).
 */
@RestController
@RequestMapping("/memories")
class MemoryController {
  private final TieredMemory memory;

  MemoryController(TieredMemory memory) {
    this.memory = memory;
  }

  /** A memory as JSON. */
  record MemoryJson(String key, String content, Map<String, String> metadata, long version) {
    static MemoryJson of(Memory m) {
      return new MemoryJson(m.key(), m.content(), m.metadata(), m.version());
    }
  }

  /** A search result as JSON: the memory, the tier it was found in, and how similar it is. */
  record HitJson(String key, String content, String tier, double similarity) {}

  @PutMapping("/{key}")
  MemoryJson remember(
      @PathVariable("key") String key,
      @RequestBody String content,
      @RequestParam(name = "source", defaultValue = "api") String source) {
    return MemoryJson.of(memory.put(key, content, Map.of("source", source)));
  }

  @GetMapping("/{key}")
  ResponseEntity<MemoryJson> recall(@PathVariable("key") String key) {
    return memory
        .get(key)
        .map(m -> ResponseEntity.ok(MemoryJson.of(m)))
        .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).build());
  }

  @DeleteMapping("/{key}")
  ResponseEntity<Void> forget(@PathVariable("key") String key) {
    return memory.delete(key)
        ? ResponseEntity.noContent().build()
        : ResponseEntity.notFound().build();
  }

  /** A key, content or query the store refuses (too long, blank): 400 with the store's reason. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, String>> refused(IllegalArgumentException e) {
    return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
  }

  @GetMapping
  List<HitJson> search(
      @RequestParam("q") String query, @RequestParam(name = "k", defaultValue = "3") int k) {
    List<SearchHit> hits = memory.search(query, k);
    return hits.stream()
        .map(
            h ->
                new HitJson(
                    h.memory().key(), h.memory().content(), h.tier().label(), h.similarity()))
        .toList();
  }
}
