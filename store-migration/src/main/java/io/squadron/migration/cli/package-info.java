/** The command line that moves a service's live store migration ({@code squadron migrate}). */
package io.squadron.migration.cli;
