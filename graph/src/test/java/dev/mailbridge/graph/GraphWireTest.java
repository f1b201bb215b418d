package dev.mailbridge.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parts that need no server: the streaming base64 of sendMail's MIME form, the notification parser. */
class GraphWireTest {

    @Test
    void base64IsProducedAsTheSourceIsRead() throws IOException {
        byte[] data = new byte[3 * 16 * 1024 * 3 + 7]; // several chunks and a partial group at the end
        new Random(42).nextBytes(data);
        // A source that hands out a few bytes at a time, as a network or file stream may.
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        try (InputStream in = new Base64Encoding(trickle)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo(Base64.getEncoder().encodeToString(data));
        }
        try (InputStream empty = new Base64Encoding(new ByteArrayInputStream(new byte[0]))) {
            assertThat(empty.read()).isEqualTo(-1);
        }
    }

    @Test
    void validationTokenIsDecodedFromTheQuery() {
        assertThat(GraphNotifications.validationToken("validationToken=Validation%3A+Testing+client+application"))
                .contains("Validation: Testing client application");
        assertThat(GraphNotifications.validationToken("other=1")).isEmpty();
        assertThat(GraphNotifications.validationToken(null)).isEmpty();
    }

    @Test
    void changeAndLifecycleNotificationsAreParsed() {
        String body = """
                {"value": [
                  {"subscriptionId": "s1", "changeType": "created", "clientState": "secret", "tenantId": "t",
                   "resource": "Users/u/Messages/m1", "resourceData": {"id": "m1"}},
                  {"subscriptionId": "s1", "lifecycleEvent": "subscriptionRemoved", "clientState": "secret"}
                ]}""";
        List<GraphNotifications.Notification> all =
                GraphNotifications.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(all).hasSize(2);
        assertThat(all.get(0).messageId()).isEqualTo("m1");
        assertThat(all.get(0).lifecycle()).isFalse();
        assertThat(all.get(0).clientStateMatches("secret")).isTrue();
        assertThat(all.get(0).clientStateMatches("secreT")).isFalse();
        assertThat(all.get(1).lifecycleEvent()).isEqualTo("subscriptionRemoved");
        assertThatThrownBy(() -> GraphNotifications.parse(new ByteArrayInputStream("{}".getBytes())))
                .hasMessageContaining("not a Graph notification");
    }
}
