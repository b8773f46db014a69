package io.github.gdln.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The .npy reader against files built byte by byte as NumPy writes them (format 1.0 and 2.0 headers). */
class NpyFileTest {
    /** An .npy file: magic, version, padded header dict, then {@code data} in the byte order of {@code descr}. */
    static byte[] npy(int major, String descr, String fortran, String shape, double... data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
        int prefix = major == 1 ? 10 : 12;
        StringBuilder header = new StringBuilder(dict);
        while ((prefix + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int size = descr.endsWith("8") ? 8 : descr.endsWith("4") ? 4 : 2;
        ByteBuffer body = ByteBuffer.allocate(data.length * size).order(order);
        for (double d : data) {
            switch (size) {
                case 8 -> body.putDouble(d);
                case 4 -> body.putFloat((float) d);
                default -> body.putShort((short) d);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body.array());
        return out.toByteArray();
    }

    @Test
    void readsFloat64AndFloat32InCOrder() {
        double[][] a = NpyFile.parse(npy(1, "<f8", "False", "(2, 3)", 1, 2, 3, 4, 5, 6.25), "a.npy");
        assertThat(a).isDeepEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6.25}});
        double[][] b = NpyFile.parse(npy(2, "<f4", "False", "(3, 1)", 0.5, -1.5, 2), "b.npy");
        assertThat(b).isDeepEqualTo(new double[][] {{0.5}, {-1.5}, {2}});
        double[][] c = NpyFile.parse(npy(1, ">f8", "False", "(2,)", 7, 8), "c.npy");
        assertThat(c).isDeepEqualTo(new double[][] {{7}, {8}});
    }

    @Test
    void refusesWhatItCannotReadSayingWhatIsExpected() {
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<i8", "False", "(2,)", 1, 2), "i.npy"))
                .hasMessage("i.npy has dtype '<i8'; expected float32 or float64 ('<f4', '<f8')");
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<f2", "False", "(2,)", 1, 2), "h.npy"))
                .hasMessageContaining("dtype '<f2'");
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<f8", "True", "(2, 2)", 1, 2, 3, 4), "f.npy"))
                .hasMessageContaining("Fortran order; expected C order");
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<f8", "False", "(2, 1, 2)", 1, 2, 3, 4), "s.npy"))
                .hasMessage("s.npy has shape (2, 1, 2); expected (N,) or (N, width)");
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<f8", "False", "()", 1), "0.npy"))
                .hasMessageContaining("has shape (); expected (N,) or (N, width)");
        assertThatThrownBy(() -> NpyFile.parse(npy(1, "<f8", "False", "(3, 2)", 1, 2, 3), "t.npy"))
                .hasMessage("t.npy holds 24 data bytes; shape (3, 2) of <f8 needs 48");
        assertThatThrownBy(() -> NpyFile.parse("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "x.npy"))
                .hasMessageContaining("is not a NumPy .npy file");
    }
}
