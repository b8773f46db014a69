package io.github.gdln.plugins.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** The plugin jars Maven built, and broken variants of them made in the test. */
final class PluginJars {
    private PluginJars() {
    }

    /** The folder the build copied the plugin jars into (system property {@code gdln.plugin.jars}). */
    static Path built(String artifact) {
        String dir = System.getProperty("gdln.plugin.jars");
        if (dir == null) {
            throw new IllegalStateException("system property gdln.plugin.jars is not set: run these tests with "
                    + "`mvn verify` (maven-failsafe), which copies the plugin jars first");
        }
        Path jar = Path.of(dir, artifact + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("plugin jar " + jar + " is missing: build the plugins first (mvn verify)");
        }
        return jar;
    }

    /** Copies {@code jar} to {@code dest}, changing manifest attributes ({@code null} value removes one). */
    static Path withManifest(Path jar, Path dest, Map<String, String> changes) throws IOException {
        return rewrite(jar, dest, changes, null, null);
    }

    /** Copies {@code jar} to {@code dest}, replacing the content of entry {@code entry}. */
    static Path withEntry(Path jar, Path dest, String entry, String content) throws IOException {
        return rewrite(jar, dest, Map.of(), entry, content);
    }

    private static Path rewrite(Path jar, Path dest, Map<String, String> changes, String entry, String content)
            throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            Attributes a = mf.getMainAttributes();
            changes.forEach((k, v) -> {
                if (v == null) {
                    a.remove(new Attributes.Name(k));
                } else {
                    a.putValue(k, v);
                }
            });
            try (OutputStream os = Files.newOutputStream(dest); JarOutputStream out = new JarOutputStream(os, mf)) {
                for (Enumeration<JarEntry> en = in.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    if (e.getName().equals(entry)) {
                        out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        try (InputStream is = in.getInputStream(e)) {
                            is.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
        return dest;
    }
}
