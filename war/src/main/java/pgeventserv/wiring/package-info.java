/**
 * The composition: the fan-out core ({@link pgeventserv.fanout}) made from the settings, fed by the LISTEN side's
 * CDI events ({@link pgeventserv.postgres.NotificationListener} fires the core's own event types), given the
 * executors its reads run on and the periodic tasks (sweeps, keep-alive), and offered to the transports. Nothing
 * here decides anything; it only puts the pieces together.
 */
package pgeventserv.wiring;
