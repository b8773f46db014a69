package io.github.gdln.plugins.routing;

import io.github.gdln.datasets.ImageDataset;
import io.github.gdln.datasets.PixelPermutation;
import io.github.gdln.datasets.Rotation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Input domains that transform the images of one {@link ImageDataset} on the fly: a fixed pixel permutation per
 * domain ({@code permute_input} of docs/theory.md §4.1) or a rotation per domain ({@code rotate_input}, applied as a
 * sparse bilinear map to the requested rows only, never materialising M rotated copies).
 */
public final class TransformedImages implements DomainInputs {

    private final ImageDataset images;
    private final List<PixelPermutation> permutations;
    private final List<Rotation> rotations;

    private TransformedImages(ImageDataset images, List<PixelPermutation> permutations, List<Rotation> rotations) {
        this.images = Objects.requireNonNull(images, "images");
        this.permutations = permutations;
        this.rotations = rotations;
        int m = permutations != null ? permutations.size() : rotations.size();
        if (m < 1) {
            throw new IllegalArgumentException("at least one input domain is needed, got 0");
        }
    }

    /** Domain i permutes the pixels of every image by {@code permutations.get(i)}. */
    public static TransformedImages permuted(ImageDataset images, List<PixelPermutation> permutations) {
        for (int i = 0; i < permutations.size(); i++) {
            if (permutations.get(i).size() != images.features()) {
                throw new IllegalArgumentException("permutation of domain " + i + " has size "
                        + permutations.get(i).size() + ", but " + images.source() + " has " + images.features()
                        + " features per image");
            }
        }
        return new TransformedImages(images, List.copyOf(permutations), null);
    }

    /** Domain i rotates every image by {@code rotations.get(i)}. */
    public static TransformedImages rotated(ImageDataset images, List<Rotation> rotations) {
        for (int i = 0; i < rotations.size(); i++) {
            Rotation r = rotations.get(i);
            if (r.rows() != images.rows() || r.cols() != images.cols() || r.channels() != images.channels()) {
                throw new IllegalArgumentException("rotation of domain " + i + " is for " + r.channels() + "x"
                        + r.rows() + "x" + r.cols() + " images, but " + images.source() + " has "
                        + images.channels() + "x" + images.rows() + "x" + images.cols());
            }
        }
        return new TransformedImages(images, null, List.copyOf(rotations));
    }

    /** The base images. */
    public ImageDataset images() {
        return images;
    }

    @Override
    public int count() {
        return images.count();
    }

    @Override
    public int domains() {
        return permutations != null ? permutations.size() : rotations.size();
    }

    @Override
    public int width() {
        return images.features();
    }

    @Override
    public void fill(int domain, int[] samples, float[] out) {
        Objects.checkIndex(domain, domains());
        int n = width();
        checkBuffer(samples, out);
        float[] px = images.pixels();
        for (int s = 0; s < samples.length; s++) {
            int in = Objects.checkIndex(samples[s], images.count()) * n;
            if (permutations != null) {
                permutations.get(domain).apply(px, in, out, s * n);
            } else {
                rotations.get(domain).apply(px, in, out, s * n);
            }
        }
    }

    @Override
    public Optional<int[]> permutation(int domain) {
        Objects.checkIndex(domain, domains());
        return permutations == null ? Optional.empty() : Optional.of(permutations.get(domain).indices());
    }

    @Override
    public void base(int[] samples, float[] out) {
        if (permutations == null) {
            DomainInputs.super.base(samples, out);
        }
        checkBuffer(samples, out);
        for (int s = 0; s < samples.length; s++) {
            images.copyRow(samples[s], out, s * width());
        }
    }

    private void checkBuffer(int[] samples, float[] out) {
        long need = (long) samples.length * width();
        if (out.length < need) {
            throw new IllegalArgumentException("buffer holds " + out.length + " values, " + samples.length
                    + " samples x " + width() + " features need " + need);
        }
    }
}
