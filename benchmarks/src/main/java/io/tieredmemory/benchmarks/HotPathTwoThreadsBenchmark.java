package io.tieredmemory.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link HotPathBenchmark} with two threads reading the same stores at once (this machine has two
 * cores): shows contention on shared counters, timers and entries.
 */
@Threads(2)
public class HotPathTwoThreadsBenchmark extends HotPathBenchmark {}
