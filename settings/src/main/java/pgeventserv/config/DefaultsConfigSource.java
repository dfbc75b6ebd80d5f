package pgeventserv.config;

/**
 * Every setting's default ({@link Setting#defaultValue()}) as a MicroProfile Config source of the lowest
 * ordinal, so that the WAR's {@code @ConfigProperty} injections carry no {@code defaultValue} of their own: the
 * default is written once, in {@link Setting}. A setting without a default is injected as an {@code Optional}.
 */
public class DefaultsConfigSource extends MapConfigSource {

    public DefaultsConfigSource() {
        super("pg_eventserv defaults", SettingSource.DEFAULT.configOrdinal(), Setting.defaults());
    }
}
