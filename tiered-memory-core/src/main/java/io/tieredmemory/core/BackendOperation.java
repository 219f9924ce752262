package io.tieredmemory.core;

import java.util.Locale;

/** A call the store makes to a tier backend; used in observer calls, events and metric tags. */
public enum BackendOperation {
  /** A read that records an access ({@code TierStore.read}, {@code readAll}). */
  READ,
  /** A read that does not record an access ({@code peek}, {@code peekAll}). */
  PEEK,
  /** A write of a new version ({@code upsert}). */
  WRITE,
  /** A copy of an existing version during a move ({@code copyIn}). */
  COPY,
  /** A conditional or unconditional removal. */
  REMOVE,
  /** A query for sweep candidates. */
  CANDIDATES,
  /** A vector or full-text search. */
  SEARCH,
  /** A count of items or bytes. */
  COUNT,
  /** A flush of buffered access statistics. */
  FLUSH;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in metric tags. */
  public String label() {
    return label;
  }
}
