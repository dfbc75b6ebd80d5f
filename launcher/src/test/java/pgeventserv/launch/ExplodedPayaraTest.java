package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplodedPayaraTest {

    @TempDir
    Path cache;
    @TempDir
    Path work;

    @Test
    void theManifestsOpensAndExportsBecomeJvmOptions() {
        assertEquals(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                        "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED"),
                ExplodedPayara.moduleOptions(" java.base/java.lang  java.base/java.net ", "java.naming/com.sun.jndi.ldap"));
        assertEquals(List.of(), ExplodedPayara.moduleOptions(null, null));
    }

    @Test
    void aCachedLayoutIsStartedAsItsLauncherJarWouldStartIt() throws Exception {
        Path layout = layout(cache.resolve("payara-micro-f00-1"));

        ExplodedPayara payara = ExplodedPayara.of("f00-1", cache, work, directory -> {
            throw new AssertionError("a cached layout is never made again");
        }, work.resolve("log"));

        assertEquals("fish.payara.micro.impl.PayaraMicroImpl", payara.startClass());
        assertEquals(layout.resolve("launch-micro.jar") + ":" + work.resolve("driver.jar"), payara.classPath(work.resolve("driver.jar")));
        assertEquals(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dfish.payara.micro.BootJar=" + layout.resolve("launch-micro.jar").toUri(),
                "-Dfish.payara.micro.UnpackDir=" + layout), payara.jvmOptions());
    }

    @Test
    void eachServerGetsARootOfItsOwnWithThePristineConfiguration() throws Exception {
        layout(cache.resolve("payara-micro-f00-1"));
        ExplodedPayara payara = ExplodedPayara.of("f00-1", cache, work, directory -> {
            throw new AssertionError("a cached layout is never made again");
        }, work.resolve("log"));

        Path root = work.resolve("root");
        payara.prepareRoot(root);
        Files.writeString(root.resolve("config/domain.xml"), "<changed by this server/>");
        payara.prepareRoot(work.resolve("another"));

        assertEquals("<domain/>", Files.readString(work.resolve("another/config/domain.xml")));
        assertEquals("<domain/>", Files.readString(cache.resolve("payara-micro-f00-1/config/domain.xml")));
        assertTrue(Files.isRegularFile(root.resolve("lib/install/applications/__cp_jdbc_ra/__cp_jdbc_ra.jar")));
    }

    @Test
    void whatAKilledStartLeftWhileLayingPayaraOutIsRemovedLater() throws Exception {
        Path abandoned = Files.createDirectories(cache.resolve("payara-micro-f00-1.part123/root"));
        Files.setLastModifiedTime(abandoned.getParent(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path recent = Files.createDirectories(cache.resolve("payara-micro-f00-1.part456"));

        assertThrows(IOException.class, () -> ExplodedPayara.of("f00-1", cache, work, directory -> {
            throw new IOException("no jar in this test");
        }, work.resolve("log")));

        assertFalse(Files.exists(abandoned.getParent()));
        assertTrue(Files.exists(recent));
    }

    /** What Payara Micro's --outputlauncher lays out, reduced to what the launcher reads. */
    private static Path layout(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("config"));
        Files.writeString(directory.resolve("config/domain.xml"), "<domain/>");
        Path adapter = Files.createDirectories(directory.resolve("lib/install/applications/__cp_jdbc_ra"));
        Files.writeString(adapter.resolve("__cp_jdbc_ra.jar"), "jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Start-Class", "fish.payara.micro.impl.PayaraMicroImpl");
        manifest.getMainAttributes().putValue("Add-Opens", "java.base/java.lang");
        try (OutputStream out = Files.newOutputStream(directory.resolve("launch-micro.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return directory;
    }
}
