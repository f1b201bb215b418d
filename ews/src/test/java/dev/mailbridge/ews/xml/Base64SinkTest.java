package dev.mailbridge.ews.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64SinkTest {
    static byte[] decodeInPieces(String text, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Base64Sink sink = new Base64Sink(out);
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i += Math.min(piece, chars.length - i)) {
            sink.accept(chars, i, Math.min(piece, chars.length - i));
        }
        sink.finish();
        return out.toByteArray();
    }

    @Test
    void decodesAcrossArbitrarySegmentsWithLineBreaksAndPadding() throws IOException {
        Random random = new Random(1);
        for (int len : new int[] {0, 1, 2, 3, 4, 5, 100, 70_001}) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            String mimeStyle = Base64.getMimeEncoder().encodeToString(data);
            String oneLine = Base64.getEncoder().encodeToString(data);
            for (int piece : new int[] {1, 3, 7, 4096, Integer.MAX_VALUE}) {
                assertThat(decodeInPieces(mimeStyle, piece)).isEqualTo(data);
                assertThat(decodeInPieces(oneLine, piece)).isEqualTo(data);
            }
        }
    }

    @Test
    void theBlockPathAgreesWithTheCarefulOneWhateverTheSegments() throws IOException {
        Random random = new Random(2);
        for (int len : new int[] {47, 48, 49, 50, 3071, 3072, 3073, 13_337, 250_000}) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            String oneLine = Base64.getEncoder().encodeToString(data);
            for (int piece : new int[] {63, 64, 65, 255, 257, 1023, 4095, 4096, 4097, 5000, 8191}) {
                assertThat(decodeInPieces(oneLine, piece)).as(len + "/" + piece).isEqualTo(data);
            }
            // a line break late in the value: blocks before it, the careful path after
            String broken =
                    oneLine.substring(0, oneLine.length() / 2) + "\r\n" + oneLine.substring(oneLine.length() / 2);
            assertThat(decodeInPieces(broken, 4096)).isEqualTo(data);
            // reused for a second value
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            Base64Sink sink = new Base64Sink(a);
            sink.accept(broken.toCharArray(), 0, broken.length());
            sink.finish();
            sink.start(b);
            sink.accept(oneLine.toCharArray(), 0, oneLine.length());
            assertThat(sink.finish()).isEqualTo(len);
            assertThat(a.toByteArray()).isEqualTo(data);
            assertThat(b.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void theBlockPathRefusesWhatTheCarefulOneRefuses() {
        String block = "QUJD".repeat(300);
        // a non-ASCII letter that would narrow to an alphabet byte ('\u0141' & 0xff == 'A')
        assertThatThrownBy(() -> decodeInPieces(block + "\u0141UJD" + block, 5000))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces(block + "QUJ*" + block, 5000)).isInstanceOf(IOException.class);
        // padding inside a block, more data after it
        assertThatThrownBy(() -> decodeInPieces("QUJD".repeat(15) + "QQ==" + block, 5000))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces(block + "QQ==" + "QUJD".repeat(16), 64))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces(block + "QUJ", 5000)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesInvalidCharactersAndTruncation() {
        assertThatThrownBy(() -> decodeInPieces("QUJD*A==", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QUJDR", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QQ==QQ==", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QQ==QUJD", 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QUJDQUJD\u00e9UJD", 100)).isInstanceOf(IOException.class);
    }
}
