/**
 * The command line: turns {@code DATABASE_URL}, the options and the settings into a Payara Micro run, and
 * waits until the application answers. Not part of the WAR: it is packaged as {@code pg_eventserv-launcher.jar}.
 */
package pgeventserv.launch;
