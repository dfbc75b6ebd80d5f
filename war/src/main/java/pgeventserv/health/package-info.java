/**
 * What operators watch: MicroProfile Health checks ({@code /health/live}, {@code /health/ready}) and
 * MicroProfile Metrics gauges ({@code /metrics}). Payara Micro serves both at the server root, beside the
 * application. This package only reads: the figures are counted where they happen, in
 * {@link pgeventserv.fanout.Counters} and {@link pgeventserv.postgres.NotificationListener}, with no
 * dependency on MicroProfile Metrics there, so the hot path stays the same on a server without it.
 */
package pgeventserv.health;
