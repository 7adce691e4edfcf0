package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.FieldSelector;
import io.drover.api.storage.LabelSelector;
import io.drover.api.storage.ListOptions;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.table.TableConverter;
import io.drover.api.table.TableOptions;
import io.drover.testing.TempSqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lists read from a real store page by page and written item by item: whole with
 * a length when small, as a stream when large, with the same content either way.
 */
class ListWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    /** More than the first two of the store pages the list is read in (100 keys, then up to 500). */
    private static final int MANY = 1_100;

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-list-writer");

    private ObjectStorage storage;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
    }

    /** What the writer answered: the whole body, and whether it went out as a stream. */
    private static final class Answer implements ApiResponse {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status;
        boolean streamed;
        final AtomicBoolean ended = new AtomicBoolean();

        @Override
        public void addHeader(String name, String value) {
        }

        @Override
        public void send(int status, String contentType, byte[] bytes) throws IOException {
            this.status = status;
            body.write(bytes);
            ended.set(true);
        }

        @Override
        public OutputStream stream(int status, String contentType) {
            this.status = status;
            streamed = true;
            return new OutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void close() {
                    ended.set(true);
                }
            };
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body.toByteArray());
        }

        List<String> fieldNames() throws IOException {
            List<String> names = new ArrayList<>();
            json().fieldNames().forEachRemaining(names::add);
            return names;
        }
    }

    private void createConfigMaps(int count) {
        for (int i = 0; i < count; i++) {
            ObjectNode cm = JSON.createObjectNode();
            cm.putObject("metadata").put("name", "cm-%05d".formatted(i)).putObject("labels")
                    .put("parity", i % 2 == 0 ? "even" : "odd");
            cm.putObject("data").put("k", "v".repeat(100));
            storage.create(CONFIGMAPS, "default", cm, false);
        }
    }

    private static ListOptions options(String labels, int limit, String token) {
        return new ListOptions(LabelSelector.parse(labels), FieldSelector.parse(null), limit, token, "");
    }

    private Answer write(ListOptions options, ListForm form, int heldBytes) throws IOException {
        Answer answer = new Answer();
        new ListWriter(JSON, "application/json", heldBytes)
                .write(storage.list(CONFIGMAPS, "default", options), form, options.limit() > 0, answer);
        return answer;
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(item -> names.add(item.at("/metadata/name").asText()));
        return names;
    }

    @Test
    void aSmallListIsSentWholeAndALargeOneStreamedWithTheSameContent() throws IOException {
        createConfigMaps(MANY);

        Answer whole = write(options(null, 0, null), ListForm.plain(CONFIGMAPS), ListWriter.HELD_BYTES);
        Answer streamed = write(options(null, 0, null), ListForm.plain(CONFIGMAPS), 4096);

        assertThat(whole.streamed).isFalse();
        assertThat(streamed.streamed).isTrue();
        assertThat(streamed.ended).isTrue();
        assertThat(streamed.json()).isEqualTo(whole.json());
        assertThat(whole.status).isEqualTo(200);
        JsonNode list = whole.json();
        assertThat(whole.fieldNames()).containsExactly("apiVersion", "kind", "metadata", "items");
        assertThat(list.path("kind").asText()).isEqualTo("ConfigMapList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(list.at("/metadata/resourceVersion").asLong()).isEqualTo(temp.store().currentRevision());
        assertThat(list.at("/metadata/continue").isMissingNode()).isTrue();
        assertThat(names(list)).hasSize(MANY).first().isEqualTo("cm-00000");
        assertThat(names(list)).last().isEqualTo("cm-%05d".formatted(MANY - 1));
        assertThat(names(list)).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aSelectorReadsOnThroughEveryPage() throws IOException {
        createConfigMaps(MANY);

        JsonNode list = write(options("parity=odd", 0, null), ListForm.plain(CONFIGMAPS), 4096).json();

        assertThat(names(list)).hasSize(MANY / 2).allMatch(name -> Integer.parseInt(name.substring(3)) % 2 == 1);
    }

    @Test
    void limitedPagesPutTheirMetadataLastAndChainToTheWholeList() throws IOException {
        createConfigMaps(MANY);
        List<String> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Answer page = write(options(null, 400, token), ListForm.plain(CONFIGMAPS), 4096);
            JsonNode list = page.json();
            assertThat(page.fieldNames()).containsExactly("apiVersion", "kind", "items", "metadata");
            all.addAll(names(list));
            token = list.at("/metadata/continue").asText(null);
            if (token != null) {
                assertThat(list.at("/metadata/remainingItemCount").asLong()).isEqualTo(MANY - all.size());
            }
            pages++;
        } while (token != null);

        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(MANY).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aSelectiveLimitedPageFillsUpAcrossStorePagesWithoutACount() throws IOException {
        createConfigMaps(MANY);

        JsonNode list = write(options("parity=odd", 520, null), ListForm.plain(CONFIGMAPS), 4096).json();

        assertThat(names(list)).hasSize(520);
        assertThat(list.at("/metadata/continue").asText()).isNotEmpty();
        assertThat(list.at("/metadata/remainingItemCount").isMissingNode()).isTrue();
    }

    @Test
    void aTableHasItsColumnsAndOneRowPerItem() throws IOException {
        createConfigMaps(3);
        ListForm table = TableView.of(new TableConverter(), CONFIGMAPS, TableOptions.DEFAULT, Clock.systemUTC()).listForm();

        Answer answer = write(options(null, 0, null), table, ListWriter.HELD_BYTES);

        JsonNode json = answer.json();
        assertThat(answer.fieldNames()).containsExactly("kind", "apiVersion", "columnDefinitions", "metadata", "rows");
        assertThat(json.path("kind").asText()).isEqualTo("Table");
        assertThat(json.path("columnDefinitions")).hasSize(3);
        assertThat(json.path("rows")).hasSize(3);
        assertThat(json.at("/rows/2/cells/0").asText()).isEqualTo("cm-00002");
        assertThat(json.at("/rows/2/cells/1").asInt()).isEqualTo(1);
        assertThat(json.at("/rows/2/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    }

    /** A form that compacts the store away from under the list as soon as it has its first item. */
    private ListForm compactingAfterFirstItem() {
        AtomicBoolean compacted = new AtomicBoolean();
        return new ListForm(ListForm.plain(CONFIGMAPS).head(), "items", item -> {
            if (compacted.compareAndSet(false, true)) {
                ObjectNode extra = JSON.createObjectNode();
                extra.putObject("metadata").put("name", "zz-later");
                storage.create(CONFIGMAPS, "default", extra, false);
                temp.store().compact(temp.store().currentRevision());
            }
            return item;
        });
    }

    @Test
    void aListCompactedAwayBeforeItsAnswerStartedIsAGoneStatus() {
        createConfigMaps(MANY);

        assertThatThrownBy(() -> write(options(null, 0, null), compactingAfterFirstItem(), ListWriter.HELD_BYTES))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
    }

    @Test
    void aListCompactedAwayAfterItsAnswerStartedBreaksOffWithoutEndingTheStream() {
        createConfigMaps(MANY);
        Answer answer = new Answer();

        // Held bytes below the first page's five objects: the answer has started when the second page is read.
        assertThatThrownBy(() -> new ListWriter(JSON, "application/json", 512).write(
                storage.list(CONFIGMAPS, "default", options(null, 0, null)), compactingAfterFirstItem(), false, answer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broke off");
        assertThat(answer.streamed).isTrue();
        assertThat(answer.ended).isFalse();
    }

    @Test
    void aBadContinueTokenFailsBeforeAnyAnswer() {
        assertThatThrownBy(() -> write(options(null, 10, "not-a-token"), ListForm.plain(CONFIGMAPS), 4096))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void anEmptyListHasItsMetadataAndNoItems() throws IOException {
        JsonNode list = write(options(null, 0, null), ListForm.plain(CONFIGMAPS), 4096).json();

        assertThat(list.path("items").isArray()).isTrue();
        assertThat(list.path("items")).isEmpty();
        assertThat(list.at("/metadata/resourceVersion").asText()).isNotEmpty();
    }
}
