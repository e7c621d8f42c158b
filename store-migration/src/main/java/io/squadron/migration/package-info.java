/**
 * A reusable live migration between two stores of the same data, with no downtime (Spotify's
 * "Switching user database"), and no knowledge of what the data is.
 *
 * <p>Phases ({@link io.squadron.migration.Phase}): {@code SOURCE_ONLY} -> {@code
 * DUAL_WRITE_SOURCE_PRIMARY} (writes to both, reads served by the source and done dark against the
 * target, mismatches counted and logged by id only) -> {@code BACKFILL} (the same, while one
 * instance copies existing rows: resumable, rate-limited, verifying as it goes) -> {@code
 * DUAL_WRITE_TARGET_PRIMARY} -> {@code TARGET_ONLY}; and back, one step at a time, while both
 * stores are still written. The phase lives in a control record ({@link
 * io.squadron.migration.ControlStore}) that every instance watches ({@link
 * io.squadron.migration.PhaseWatcher}) and answers with a report of the phase it runs; a change is
 * allowed only when every live instance runs the current phase ({@link
 * io.squadron.migration.MigrationController}). Adjacent phases are safe side by side: at no moment
 * do two instances treat different stores as the only truth.
 */
package io.squadron.migration;
