package io.github.gdln.plugins.cifar;

import io.github.gdln.plugins.routing.DomainInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * On-disk cache of per-domain features: for every input domain i the features of all N (transformed) base images,
 * as little-endian float32 rows in {@code <cache-dir>/<key>/domain-<i>.f32}, memory-mapped when read (so M x N x F
 * features need not fit on the heap). The key is the SHA-256 of a description that names everything the features
 * depend on: the SHA-256 of every data file, the number of images, the domain transforms, and the feature model's
 * SHA-256, layer and input layout. {@code key.txt} beside the files holds that description. Files are written to a
 * temporary name and moved into place, so an interrupted extraction is never mistaken for a cache hit.
 */
public final class FeatureCache {

    /** Computes the features of one domain for a range of base images. */
    @FunctionalInterface
    public interface Extraction {
        /** Features (count x F, row-major) of base images {@code from .. from+count-1} seen through domain i. */
        float[] features(int domain, int from, int count);
    }

    private final Path folder;
    private final String key;

    /**
     * A cache entry.
     *
     * @param cacheDir    the cache folder
     * @param description everything the features depend on (hashed into the key)
     */
    public FeatureCache(Path cacheDir, String description) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        key = sha256(description);
        folder = cacheDir.resolve(key);
        this.description = description;
    }

    private final String description;

    /** The key (SHA-256 hex of the description). */
    public String key() {
        return key;
    }

    /** The entry's folder. */
    public Path folder() {
        return folder;
    }

    /** Whether every domain's file is present with the expected size. */
    public boolean complete(int domains, int count, int width) {
        for (int i = 0; i < domains; i++) {
            Path f = file(i);
            try {
                if (!Files.isRegularFile(f) || Files.size(f) != 4L * count * width) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The features of every domain, computed with {@code extraction} in chunks of {@code chunk} images and written
     * to the cache unless already complete there, then memory-mapped.
     */
    public DomainInputs load(int domains, int count, int width, int chunk, Extraction extraction) throws IOException {
        if (!complete(domains, count, width)) {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("key.txt"), description + "\n", StandardCharsets.UTF_8);
            for (int i = 0; i < domains; i++) {
                if (Files.isRegularFile(file(i)) && Files.size(file(i)) == 4L * count * width) {
                    continue;
                }
                write(i, count, width, chunk, extraction);
            }
        }
        List<FloatBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < domains; i++) {
            try (FileChannel ch = FileChannel.open(file(i), StandardOpenOption.READ)) {
                buffers.add(ch.map(FileChannel.MapMode.READ_ONLY, 0, 4L * count * width)
                        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
            }
        }
        return new Mapped(buffers, count, width);
    }

    private void write(int domain, int count, int width, int chunk, Extraction extraction) throws IOException {
        Path tmp = folder.resolve("domain-" + domain + ".f32.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int s0 = 0; s0 < count; s0 += chunk) {
                int n = Math.min(chunk, count - s0);
                float[] f = extraction.features(domain, s0, n);
                if (f.length != n * width) {
                    throw new IllegalStateException("feature extraction gave " + f.length + " values for " + n
                            + " images of width " + width);
                }
                ByteBuffer bb = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(f);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }
        }
        Files.move(tmp, file(domain), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file of domain i. */
    public Path file(int domain) {
        return folder.resolve("domain-" + domain + ".f32");
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Memory-mapped per-domain features. */
    private static final class Mapped implements DomainInputs {
        private final List<FloatBuffer> domains;
        private final int count;
        private final int width;

        Mapped(List<FloatBuffer> domains, int count, int width) {
            this.domains = domains;
            this.count = count;
            this.width = width;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public int domains() {
            return domains.size();
        }

        @Override
        public int width() {
            return width;
        }

        @Override
        public void fill(int domain, int[] samples, float[] out) {
            FloatBuffer b = domains.get(Objects.checkIndex(domain, domains.size()));
            if (out.length < samples.length * width) {
                throw new IllegalArgumentException("buffer holds " + out.length + " values, need "
                        + samples.length * width);
            }
            for (int s = 0; s < samples.length; s++) {
                b.get(Objects.checkIndex(samples[s], count) * width, out, s * width, width);
            }
        }
    }

    /** Wraps an {@link IOException} for callers that cannot throw it. */
    static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
