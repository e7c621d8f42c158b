/**
 * userdb on the generic live migration ({@code io.squadron.migration}): a {@link
 * io.squadron.userdb.store.UserStore} that routes by phase, the backfill's key source and row
 * copier, and the {@code userdb-migrate} command.
 */
package io.squadron.userdb.migrate;
