package io.tieredmemory.testkit.history;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The set of linearized ops of a search and Lowe's cache of the configurations reached: (set of
 * linearized ops, register, register before an indeterminate last op).
 *
 * <p>Keys are packed so that their size does not grow with the history: ops with a known output are
 * numbered in invocation order and, since they must all be linearized and real-time order admits
 * only a window of them at once, the set is stored as the index of its first 64-op word with a gap
 * and the words from there to its last op; indeterminate ops, which may stay out forever, have
 * their own small bit set. A key costs about 100 bytes for a history of any length.
 */
final class Configurations {
  private final int[] index; // op -> its index among determinate or among indeterminate ops
  private final boolean[] determinate;
  private final long[] known; // linearized determinate ops
  private final long[] uncertain; // linearized indeterminate ops
  private int firstGapWord; // words of `known` below it are all ones
  private int lastWord; // words of `known` above it are all zeros
  private final Set<Key> seen = new HashSet<>();

  Configurations(boolean[] determinate) {
    this.determinate = determinate;
    this.index = new int[determinate.length];
    int knownCount = 0;
    int uncertainCount = 0;
    for (int op = 0; op < determinate.length; op++) {
      index[op] = determinate[op] ? knownCount++ : uncertainCount++;
    }
    known = new long[(knownCount + 63) / 64 + 1];
    uncertain = new long[(uncertainCount + 63) / 64];
  }

  void set(int op) {
    int i = index[op];
    if (determinate[op]) {
      known[i >>> 6] |= 1L << i;
      lastWord = Math.max(lastWord, i >>> 6);
      while (known[firstGapWord] == -1L) {
        firstGapWord++; // stops at the spare last word, which no op index reaches
      }
    } else {
      uncertain[i >>> 6] |= 1L << i;
    }
  }

  void clear(int op) {
    int i = index[op];
    if (determinate[op]) {
      known[i >>> 6] &= ~(1L << i);
      firstGapWord = Math.min(firstGapWord, i >>> 6);
      while (lastWord > 0 && known[lastWord] == 0) {
        lastWord--;
      }
    } else {
      uncertain[i >>> 6] &= ~(1L << i);
    }
  }

  /** Records the current set with {@code state} and {@code before}; false if reached before. */
  boolean addIfNew(int state, int before) {
    int words = Math.max(lastWord, firstGapWord) - firstGapWord + 1;
    long[] key = new long[2 + words + uncertain.length];
    key[0] = ((long) state << 32) | (before & 0xffffffffL);
    key[1] = firstGapWord;
    System.arraycopy(known, firstGapWord, key, 2, words);
    System.arraycopy(uncertain, 0, key, 2 + words, uncertain.length);
    return seen.add(new Key(key));
  }

  /** A packed configuration; the array is never changed after construction. */
  private static final class Key {
    private final long[] words;
    private final int hash;

    Key(long[] words) {
      this.words = words;
      this.hash = Arrays.hashCode(words);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && hash == key.hash && Arrays.equals(words, key.words);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
