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
    void refusesInvalidCharactersAndTruncation() {
        assertThatThrownBy(() -> decodeInPieces("QUJD*A==", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QUJDR", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QQ==QQ==", 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QQ==QUJD", 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decodeInPieces("QUJDQUJD\u00e9UJD", 100)).isInstanceOf(IOException.class);
    }
}
