package io.squadron.padlock.server.keys;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbers every (category, calling service, version) seen, so a user's derived keys sit in a plain
 * array indexed by that number instead of a map keyed by a fresh object per lookup. At most {@link
 * #MAX_SLOTS} triples are numbered; beyond that, keys are derived on every request instead of
 * cached.
 */
final class DerivedSlots {
  /** The most triples numbered (categories x versions x calling services). */
  static final int MAX_SLOTS = 4096;

  /** Returned when the table is full: derive without caching. */
  static final int NO_SLOT = -1;

  private final ConcurrentHashMap<Triple, Integer> slots = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  private record Triple(String category, String service, int version) {}

  int slot(String category, String service, int version) {
    Triple t = new Triple(category, service, version);
    Integer slot = slots.get(t);
    if (slot != null) {
      return slot;
    }
    if (next.get() >= MAX_SLOTS) {
      return NO_SLOT;
    }
    return slots.computeIfAbsent(
        t,
        k -> {
          int n = next.getAndIncrement();
          return n < MAX_SLOTS ? n : NO_SLOT;
        });
  }
}
