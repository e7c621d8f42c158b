/**
 * The shuffle domain: pure, JDK-only algorithms that order a playlist.
 *
 * <p>{@link io.squadron.shuffle.domain.Shuffler} is the entry point, with two implementations:
 * {@link io.squadron.shuffle.domain.FisherYatesShuffle} (a uniform random permutation) and {@link
 * io.squadron.shuffle.domain.BalancedShuffle} (Spotify's balanced shuffle, which spreads each
 * artist, and each album within an artist, evenly over the playlist). {@link
 * io.squadron.shuffle.domain.ShuffleQuality} measures how well an order keeps an artist's tracks
 * apart; tests and the benchmark use it.
 *
 * <p>Everything here is deterministic for a given seed or random source, holds no state between
 * calls and is safe to use from many threads at once. Validation of ids (non-empty, length limits)
 * belongs to the service edge; these classes accept any non-null strings.
 */
package io.squadron.shuffle.domain;
