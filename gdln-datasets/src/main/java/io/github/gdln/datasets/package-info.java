/**
 * Dataset readers and input/label transforms for the naturalistic gdln experiments (docs/theory.md §4).
 *
 * <ul>
 *   <li>{@link io.github.gdln.datasets.IdxReader}: MNIST and Fashion-MNIST IDX files (plain or gzip).</li>
 *   <li>{@link io.github.gdln.datasets.Cifar10Reader}: CIFAR-10 binary batches.</li>
 *   <li>{@link io.github.gdln.datasets.DataFolder}: where the data lives ({@code GDLN_DATA}).</li>
 *   <li>{@link io.github.gdln.datasets.PixelPermutation}, {@link io.github.gdln.datasets.Rotation}: the input
 *       domains (one linear map of the pixels per domain).</li>
 *   <li>{@link io.github.gdln.datasets.LabelPermutations}: the output domains (relabelings of the classes).</li>
 * </ul>
 *
 * <p>Every malformed or missing file fails with a {@link io.github.gdln.datasets.DatasetFormatException} or a
 * {@link io.github.gdln.datasets.DatasetNotFoundException} whose message names the file, the value found and what
 * was expected. This package depends on the JDK only.
 */
package io.github.gdln.datasets;
