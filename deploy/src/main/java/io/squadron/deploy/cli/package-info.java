/** The {@code squadron} command line: one picocli subcommand per verb. */
package io.squadron.deploy.cli;
