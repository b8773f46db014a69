package io.github.gdln.core.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} file (format versions 1-3) holding a float32 or float64 array in C order, of shape
 * (N,) (read as N x 1) or (N, width). Anything else fails naming the file, what it holds and what is expected.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    /** The array in {@code file} as rows. */
    public static double[][] read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** The array in {@code bytes}; {@code name} is used in error messages. */
    static double[][] parse(byte[] bytes, String name) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length <= i || bytes[i] != MAGIC[i]) {
                throw fail(name, "is not a NumPy .npy file (it does not start with \\x93NUMPY)");
            }
        }
        if (bytes.length < 10) {
            throw fail(name, "is truncated: the header is incomplete");
        }
        int major = bytes[6];
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buf.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw fail(name, "is truncated: the header is incomplete");
            }
            headerLength = buf.getInt(8);
            headerStart = 12;
        } else {
            throw fail(name, "has .npy format version " + major + "; expected 1, 2 or 3");
        }
        if (headerLength < 0 || headerStart + headerLength > bytes.length) {
            throw fail(name, "is truncated: the header says " + headerLength + " bytes, the file has "
                    + (bytes.length - headerStart));
        }
        String header = new String(bytes, headerStart, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        String fortran = group(FORTRAN, header, name, "fortran_order");
        long[] shape = shape(group(SHAPE, header, name, "shape"), name);
        ByteOrder order;
        switch (descr.charAt(0)) {
            case '<', '=' -> order = ByteOrder.LITTLE_ENDIAN;
            case '>' -> order = ByteOrder.BIG_ENDIAN;
            default -> order = null;
        }
        String type = descr.substring(1);
        if (order == null || !(type.equals("f4") || type.equals("f8"))) {
            throw fail(name, "has dtype '" + descr + "'; expected float32 or float64 ('<f4', '<f8')");
        }
        if (fortran.equals("True")) {
            throw fail(name, "is stored in Fortran order; expected C order (save np.ascontiguousarray(a))");
        }
        if (shape.length < 1 || shape.length > 2) {
            throw fail(name, "has shape " + shapeText(shape) + "; expected (N,) or (N, width)");
        }
        long rows = shape[0];
        long cols = shape.length == 2 ? shape[1] : 1;
        if (rows < 1 || cols < 1) {
            throw fail(name, "has shape " + shapeText(shape) + "; expected at least one row and one column");
        }
        int size = type.equals("f8") ? 8 : 4;
        long need = rows * cols * size;
        long have = bytes.length - headerStart - headerLength;
        if (have != need) {
            throw fail(name, "holds " + have + " data bytes; shape " + shapeText(shape) + " of " + descr
                    + " needs " + need);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, headerStart + headerLength, (int) need).slice().order(order);
        double[][] out = new double[(int) rows][(int) cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = size == 8 ? data.getDouble() : data.getFloat();
            }
        }
        return out;
    }

    private static String group(Pattern p, String header, String name, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw fail(name, "has a header without '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] shape(String text, String name) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim().replaceFirst("[lL]$", "");
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw fail(name, "has an unreadable shape (" + text + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static IllegalArgumentException fail(String name, String what) {
        return new IllegalArgumentException(name + " " + what);
    }
}
