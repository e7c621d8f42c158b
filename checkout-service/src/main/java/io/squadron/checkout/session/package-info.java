/**
 * The checkout session: its record in PostgreSQL and the flow that turns a submitted step into the
 * next one (form, payment methods, payment action, done, error, fallback), calling billing for
 * methods and payments.
 */
package io.squadron.checkout.session;
