package dev.mailbridge.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageJsonTest {
    private final MimeParser parser = new MimeParser();

    @Test
    void writesCamelCaseWithIsoDatesAndReadsBack() throws IOException {
        ReceivedMessage m = parser.parse(
                new ByteArrayInputStream(MimeParserTest.sample("attachments.eml")), "invoices@contoso.com", "AAMk1");
        String json = MessageJson.write(m);
        JsonNode node = MessageJson.mapper().readTree(json);

        assertThat(node.get("mailbox").asText()).isEqualTo("invoices@contoso.com");
        assertThat(node.get("itemId").asText()).isEqualTo("AAMk1");
        assertThat(node.get("messageId").asText()).isEqualTo("att-003@example.com");
        assertThat(node.get("date").asText()).isEqualTo("2024-03-07T08:00:00-05:00");
        assertThat(node.get("from").get("name").asText()).isEqualTo("Dana");
        assertThat(node.get("from").get("address").asText()).isEqualTo("dana@example.com");
        assertThat(node.get("autoSubmitted").asText()).isEqualTo("NONE");
        assertThat(node.get("inReplyTo").isNull()).isTrue();
        assertThat(node.get("references").isArray()).isTrue();
        assertThat(node.get("attachments").get(1).get("filename").asText()).isEqualTo("Rechnung März €.pdf");
        assertThat(node.get("attachments").get(1).get("contentId").isNull()).isTrue();
        assertThat(node.get("attachments").get(0).get("inline").asBoolean()).isTrue();
        assertThat(node.get("headers").get(0).get("name").asText()).isEqualTo("From");
        List<String> names = iterableToList(node.fieldNames());
        assertThat(names)
                .containsExactly(
                        "mailbox",
                        "itemId",
                        "messageId",
                        "inReplyTo",
                        "references",
                        "conversationId",
                        "conversationTopic",
                        "conversationIndex",
                        "date",
                        "from",
                        "sender",
                        "replyTo",
                        "to",
                        "cc",
                        "bcc",
                        "subject",
                        "text",
                        "html",
                        "bodyTruncated",
                        "attachments",
                        "headers",
                        "headersTruncated",
                        "size",
                        "autoSubmitted",
                        "autoSubmittedReason");

        assertThat(MessageJson.read(json)).isEqualTo(m);
        assertThat(MessageJson.read(MessageJson.writeBytes(m))).isEqualTo(m);
    }

    @Test
    void readsJsonWithUnknownFieldsAndRefusesNonsense() {
        ReceivedMessage m = MessageJson.read(
                "{\"mailbox\":\"a@x\",\"subject\":\"hi\",\"autoSubmitted\":\"BOUNCE\",\"newField\":1,\"size\":5}");
        assertThat(m.subject()).isEqualTo("hi");
        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.BOUNCE);
        assertThat(m.to()).isEmpty();
        assertThat(m.size()).isEqualTo(5);
        assertThatThrownBy(() -> MessageJson.read("[1,2]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not message JSON: ");
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
