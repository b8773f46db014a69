package io.github.gdln.plugins.cifar;

/**
 * Maps a batch of images to feature rows (e.g. the activations of a convolutional network truncated at a layer).
 * Implementations need not be thread-safe.
 */
public interface FeatureExtractor {

    /** Width F of one feature row. */
    int width();

    /**
     * Features of {@code n} images.
     *
     * @param images n x (channels*rows*cols) values in [0, 1], channel-major per image, row-major over images
     * @param n      number of images
     * @return n x F features, row-major
     */
    float[] features(float[] images, int n);

    /** What the features are, for cache keys and messages (model file hash, layer, input layout). */
    String identity();
}
