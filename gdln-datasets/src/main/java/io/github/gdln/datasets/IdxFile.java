package io.github.gdln.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The raw content of one IDX file of unsigned bytes: its dimensions, its data bytes and the SHA-256 of the file's
 * bytes as stored (compressed bytes for a gzip file, so that the digest matches {@code sha256sum}).
 */
record IdxFile(Path file, int[] dims, byte[] data, String sha256) {

    /** The IDX data type code for unsigned bytes, the third byte of the magic number. */
    static final int UNSIGNED_BYTE = 0x08;

    private static final int GZIP_MAGIC = 0x1f8b;

    /**
     * Reads an IDX file of unsigned bytes with {@code expectedDims} dimensions.
     *
     * @param kind what the file should hold, for messages ("images", "labels")
     */
    static IdxFile read(Path file, int expectedDims, String kind) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException(file + ": no such file (expected IDX " + kind + ")");
        }
        MessageDigest digest = Digests.sha256();
        try (InputStream raw = new BufferedInputStream(new DigestInputStream(Files.newInputStream(file), digest),
                1 << 16)) {
            boolean gzip = startsWithGzipMagic(raw);
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            try {
                int[] dims = readHeader(file, in, expectedDims, kind);
                byte[] data = readPayload(file, in, dims, gzip);
                drain(raw);
                return new IdxFile(file, dims, data, HexFormat.of().formatHex(digest.digest()));
            } catch (ZipException | EOFException e) {
                throw new DatasetFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Number of data bytes the dimensions declare. */
    static long product(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 >= 0 && b1 >= 0 && ((b0 << 8) | b1) == GZIP_MAGIC;
    }

    private static int[] readHeader(Path file, InputStream in, int expectedDims, String kind) throws IOException {
        int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw new DatasetFormatException(file, "truncated header: " + head.length
                    + " bytes, an IDX file starts with a 4-byte magic number (expected " + expectedMagic + ")");
        }
        int magic = readInt(head, 0);
        if (magic != expectedMagic) {
            throw new DatasetFormatException(file, describeBadMagic(magic, expectedMagic, expectedDims, kind));
        }
        byte[] sizes = in.readNBytes(4 * expectedDims);
        if (sizes.length < 4 * expectedDims) {
            throw new DatasetFormatException(file, "truncated header: " + (4 + sizes.length) + " bytes, expected "
                    + (4 + 4 * expectedDims) + " (magic number and " + expectedDims + " dimension sizes)");
        }
        int[] dims = new int[expectedDims];
        for (int d = 0; d < expectedDims; d++) {
            dims[d] = readInt(sizes, 4 * d);
            if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                throw new DatasetFormatException(file, "dimension " + d + " has size " + Integer.toUnsignedLong(
                        dims[d]) + ", expected " + (d == 0 ? "a count >= 0" : "a size >= 1") + " below 2^31");
            }
        }
        if (product(dims) > Integer.MAX_VALUE - 16) {
            throw new DatasetFormatException(file, "header declares " + describe(dims) + " data bytes, more than"
                    + " one array can hold (" + (Integer.MAX_VALUE - 16) + ")");
        }
        return dims;
    }

    private static String describeBadMagic(int magic, int expectedMagic, int expectedDims, String kind) {
        String expected = "expected " + expectedMagic + String.format(" (0x%08X)", expectedMagic) + " for IDX "
                + kind + " (unsigned bytes, " + expectedDims + " dimensions)";
        if ((magic >>> 8) == UNSIGNED_BYTE) {
            return "wrong dimension count: magic number " + magic + String.format(" (0x%08X)", magic)
                    + " declares " + (magic & 0xff) + " dimensions, " + expected;
        }
        return "bad magic number " + Integer.toUnsignedLong(magic) + String.format(" (0x%08X)", magic) + ", "
                + expected;
    }

    private static byte[] readPayload(Path file, InputStream in, int[] dims, boolean gzip) throws IOException {
        int expected = (int) product(dims);
        int header = 4 + 4 * dims.length;
        String where = gzip ? " after decompression" : "";
        byte[] data = in.readNBytes(expected);
        if (data.length < expected) {
            throw new DatasetFormatException(file, "truncated: header declares " + describe(dims) + " data bytes ("
                    + (header + (long) expected) + " with the " + header + "-byte header) but the file holds only "
                    + data.length + " data bytes (" + (header + (long) data.length) + " in all)" + where);
        }
        long extra = drain(in);
        if (extra > 0) {
            throw new DatasetFormatException(file, "extra bytes: header declares " + describe(dims)
                    + " data bytes but the file holds " + (expected + extra) + " (" + extra
                    + " bytes after the data)" + where);
        }
        return data;
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.length; d++) {
            sb.append(d == 0 ? "" : " x ").append(dims[d]);
        }
        return sb.append(" = ").append(product(dims)).toString();
    }

    private static long drain(InputStream in) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 14];
        for (int r; (r = in.read(buf)) >= 0; ) {
            n += r;
        }
        return n;
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
