/**
 * What userdb tells other services about its users, as events on Kafka through the events library's
 * transactional outbox: today {@code UserDeleted} on {@code userdb.users}, for services that keep
 * references to a user.
 */
package io.squadron.userdb.events;
