package io.github.gdln.kpath;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The flat layout of a {@link KPathModel}'s parameters (the momenta share it): the M encoders as one [M*H x D] matrix
 * (rows of domain i are {@code i*H .. i*H+H-1}), the shared H x H weight W, the M decoders as one [M*C x H] matrix
 * followed by one zero block of C x H (the padding row of the decoder gather), then the encoder biases [M*H], the
 * hidden bias [H] and the decoder biases [M*C]. One flat array makes the update {@code p -= lr v} one axpy.
 * Offsets are element indices; views share the flat array's buffer.
 */
final class KPathLayout {
    /** Offset of the encoders. */
    final int encoders;
    /** Offset of W. */
    final int hidden;
    /** Offset of the decoders (and, after them, of the zero padding block). */
    final int decoders;
    /** Offset of the encoder biases. */
    final int encoderBiases;
    /** Offset of the hidden bias. */
    final int hiddenBias;
    /** Offset of the decoder biases. */
    final int decoderBiases;
    /** Number of elements. */
    final int total;

    KPathLayout(int m, int d, int h, int c) {
        encoders = 0;
        hidden = encoders + m * h * d;
        decoders = hidden + h * h;
        int padding = decoders + m * c * h;
        encoderBiases = padding + c * h;
        hiddenBias = encoderBiases + m * h;
        decoderBiases = hiddenBias + h;
        total = decoderBiases + m * c;
    }

    /** A 'c'-order view of {@code shape} starting at element {@code offset} of {@code flat}. */
    static INDArray view(INDArray flat, int offset, long... shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            stride[k] = s;
            s *= shape[k];
        }
        return Nd4j.create(flat.data(), shape, stride, offset, 'c', flat.dataType());
    }

    /** Rows [r0, r1) of a contiguous 'c' matrix, as a view. */
    static INDArray rows(INDArray a, long r0, long r1) {
        long q = a.size(1);
        return Nd4j.create(a.data(), new long[] {r1 - r0, q}, new long[] {q, 1}, a.offset() + r0 * q, 'c',
                a.dataType());
    }
}
