/**
 * Who may listen to what, checked by every transport before it subscribes a client: channel names PostgreSQL can
 * take ({@link pgeventserv.access.ChannelName}), the {@code Channels} allow-list ({@link pgeventserv.access.ChannelPolicy},
 * globs matched as the original's library does, {@link pgeventserv.access.Glob}) and the page's {@code Origin}
 * ({@link pgeventserv.access.OriginPolicy}).
 */
package pgeventserv.access;
