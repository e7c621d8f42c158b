/**
 * How {@code squadron test} spreads the test phase over lanes: the reactor's modules that have
 * tests ({@link io.squadron.deploy.testsuite.SuiteModules}), ordered longest first by their last
 * run, and run a module at a time per lane ({@link io.squadron.deploy.testsuite.TestLanes}).
 */
package io.squadron.deploy.testsuite;
