package io.drover.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** YAML read as sigs.k8s.io/yaml (go-yaml v2.4.0) reads it; expected results are go-yaml's on the same documents. */
class YamlTreesTest {
    private final YamlTrees trees = new YamlTrees();

    private JsonNode read(String yaml) throws Exception {
        return trees.read(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String json) throws Exception {
        return Mappers.json().readTree(json);
    }

    @Test
    void aScalarAliasIsItsAnchorsValue() throws Exception {
        assertThat(read("data: {a: &v hello, b: *v}")).isEqualTo(json("{\"data\":{\"a\":\"hello\",\"b\":\"hello\"}}"));
        // The copy is typed as the anchored scalar is.
        assertThat(read("a: &n 5\nb: *n\nc: &t true\nd: *t\ne: &z ~\nf: *z"))
                .isEqualTo(json("{\"a\":5,\"b\":5,\"c\":true,\"d\":true,\"e\":null,\"f\":null}"));
    }

    @Test
    void aMappingAliasIsADeepCopyOfIt() throws Exception {
        JsonNode tree = read("base: &b {x: 1, inner: {y: two}}\nother: *b\n");
        assertThat(tree).isEqualTo(json("{\"base\":{\"x\":1,\"inner\":{\"y\":\"two\"}},"
                + "\"other\":{\"x\":1,\"inner\":{\"y\":\"two\"}}}"));
        ((ObjectNode) tree.path("other").path("inner")).put("y", "changed");
        assertThat(tree.path("base").path("inner").path("y").asText()).isEqualTo("two");
    }

    @Test
    void aSequenceAliasIsADeepCopyOfIt() throws Exception {
        JsonNode tree = read("ports: &p\n- 80\n- {name: https, port: 443}\nagain: *p\n");
        assertThat(tree.path("again")).isEqualTo(json("[80,{\"name\":\"https\",\"port\":443}]"));
        assertThat(tree.path("again")).isNotSameAs(tree.path("ports"));
        assertThat(tree.path("again").get(1)).isNotSameAs(tree.path("ports").get(1));
    }

    @Test
    void anAliasNamesTheLatestAnchorOfItsName() throws Exception {
        assertThat(read("a: &x 1\nb: *x\nc: &x 2\nd: *x")).isEqualTo(json("{\"a\":1,\"b\":1,\"c\":2,\"d\":2}"));
    }

    @Test
    void aliasesInsideAnAnchoredValueAreExpandedInEveryCopy() throws Exception {
        assertThat(read("a: &a [x]\nb: &b {l: *a}\nc: [*b, *b]").path("c"))
                .isEqualTo(json("[{\"l\":[\"x\"]},{\"l\":[\"x\"]}]"));
    }

    @Test
    void aMergeKeyMergesTheMappingsEntriesExplicitKeysAfterItWin() throws Exception {
        JsonNode tree = read("""
                defaults: &d {image: web, replicas: 1, pull: Always}
                spec:
                  replicas: 5
                  <<: *d
                  pull: Never
                """);
        // go-yaml v2 puts the merged entries at the merge key: an earlier key is overwritten, a later one wins.
        assertThat(tree.path("spec")).isEqualTo(json("{\"replicas\":1,\"image\":\"web\",\"pull\":\"Never\"}"));
        assertThat(tree.path("spec").has("<<")).isFalse();
    }

    @Test
    void aMergeOfASequenceOfMappingsLetsTheFirstWin() throws Exception {
        JsonNode tree = read("""
                a: &a {x: 1, y: 1}
                b: &b {y: 2, z: 2}
                c:
                  <<: [*a, *b, {w: 3, x: 3}]
                """);
        assertThat(tree.path("c")).isEqualTo(json("{\"w\":3,\"x\":1,\"y\":1,\"z\":2}"));
    }

    @Test
    void aMergeOfAnInlineOrTaggedMappingWorksAndAQuotedKeyIsJustAKey() throws Exception {
        assertThat(read("m: {<<: {a: 1}, b: 2}").path("m")).isEqualTo(json("{\"a\":1,\"b\":2}"));
        assertThat(read("x: &x {a: 1}\nm: {!!merge <<: *x}").path("m")).isEqualTo(json("{\"a\":1}"));
        assertThat(read("x: &x {a: 1}\nm: {!!merge \"<<\": *x}").path("m")).isEqualTo(json("{\"a\":1}"));
        assertThat(read("x: &x {a: 1}\nm: {!<tag:yaml.org,2002:merge> '<<': [*x]}").path("m"))
                .isEqualTo(json("{\"a\":1}"));
        assertThat(read("x: &x {a: 1}\nm: {\"<<\": *x}").path("m")).isEqualTo(json("{\"<<\":{\"a\":1}}"));
    }

    @Test
    void aMergeOfAnythingButMappingsIsRefusedAsGoYamlRefusesIt() {
        for (String yaml : new String[] {"a: {<<: 5}", "x: &x [1]\na: {<<: *x}", "a: {<<: [{b: 1}, 2]}",
                "x: &x ~\na: {<<: [*x]}", "a: {<<: }"}) {
            assertThatThrownBy(() -> read(yaml)).as(yaml).isInstanceOf(YamlTrees.DecodeException.class)
                    .hasMessage("yaml: map merge requires map or sequence of maps as the value");
        }
    }

    @Test
    void anUndefinedAliasIsRefusedWithGoYamlsMessage() {
        assertThatThrownBy(() -> read("a: 1\nb: *x\n")).isInstanceOf(YamlTrees.DecodeException.class)
                .hasMessage("yaml: unknown anchor 'x' referenced");
        assertThatThrownBy(() -> read("b: *x\na: &x 1\n")).hasMessage("yaml: unknown anchor 'x' referenced");
    }

    @Test
    void onlyTheFirstDocumentIsRead() throws Exception {
        assertThat(read("a: &x 1\n---\nb: *y\n")).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void anAnchorUsedInsideItsOwnValueIsRefused() {
        assertThatThrownBy(() -> read("a: &x {b: *x}")).isInstanceOf(YamlTrees.DecodeException.class)
                .hasMessage("yaml: anchor 'x' value contains itself");
        assertThatThrownBy(() -> read("a: &x {<<: *x}")).hasMessage("yaml: anchor 'x' value contains itself");
    }

    @Test
    void billionLaughsAreRefusedWithoutBeingExpanded() {
        String laughs = laughs(9, 9); // 9^9 = 387 million strings
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThatThrownBy(() -> read(laughs))
                .isInstanceOf(YamlTrees.DecodeException.class)
                .hasMessage("yaml: document contains excessive aliasing"));
    }

    @Test
    void aliasExpansionIsBoundedAsGoYamlBoundsIt() throws Exception {
        // Levels 0-2 of ten: 1358 nodes decoded, 1320 through aliases (97%), within go-yaml's 99%.
        assertThat(read(laughs(3, 10)).path("a2").path(9).path(9).path(9).asText()).isEqualTo("lol");
        // Level 3 adds 12210 aliased nodes: 99.6%.
        assertThatThrownBy(() -> read(laughs(4, 10))).hasMessage("yaml: document contains excessive aliasing");
        assertThat(YamlTrees.allowedAliasRatio(400_000)).isEqualTo(0.99);
        assertThat(YamlTrees.allowedAliasRatio(2_200_000)).isCloseTo(0.545, within(1e-9));
        assertThat(YamlTrees.allowedAliasRatio(4_000_000)).isEqualTo(0.10);
    }

    @Test
    void aliasCopiesAreHeldToTheNestingLimit() {
        String deep = "a: &a " + "[".repeat(600) + "]".repeat(600) + "\n"
                + "b: " + "[".repeat(600) + "*a" + "]".repeat(600);
        assertThatThrownBy(() -> read(deep)).isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("nesting depth");
    }

    @Test
    void withoutAliasesTheTreeIsJacksonsExactly() throws Exception {
        String scalars = """
                apiVersion: v1
                kind: ConfigMap
                ints: [0, -7, 2147483647, 2147483648, 9223372036854775807, 99999999999999999999]
                more ints: [0x1F, 0o17, 017, +5, 1_000, 12:30]
                floats: [1.5, -0.0, 1e3, 6.02e+23, 1.0, 0.1, 1.7976931348623157e309]
                bools: [true, false, True, yes, no, on, off, y, n]
                nulls: [~, null, Null, ]
                strings: ['1', "true", plain text, 2024-01-01, 0.1.2, "", '~']
                binary: !!binary aGVsbG8=
                tagged: [!!str 5, !!int "7", !!float "2", !!bool "true", !!null ""]
                block: |
                  two
                  lines
                folded: >
                  one
                  line
                dup: 1
                dup: 2
                "<<": literal
                ? complex
                : key
                """;
        assertSameAsReadTree(scalars);
        assertSameAsReadTree("just a string");
        assertSameAsReadTree("42");
        assertSameAsReadTree("[a, {b: c}]");
        assertSameAsReadTree("first: 1\n---\nsecond: 2\n");
        assertSameAsReadTree(Files.readString(Path.of("examples/hello.yaml")));
        assertThat(read("# only a comment\n").isMissingNode()).isTrue();
        // What Jackson cannot read it still cannot, with the same message.
        for (String unreadable : new String[] {"a: .inf", "a: [1, .nan]", "a: !!binary '***'"}) {
            byte[] bytes = unreadable.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> trees.read(bytes)).as(unreadable)
                    .hasMessage(catchThrowable(() -> Mappers.yaml().readTree(bytes)).getMessage());
        }
    }

    @Test
    void keysSetAgainAreNamedWithTheLineOfTheirValueAndTheLastValueWins() throws Exception {
        // Kubernetes' field validation test body: go-yaml names lines 5, 12, 14 and 28 of it.
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: dupename
                  name: web
                  unknownMeta: metaVal
                  labels:
                    app: nginx
                spec:
                  unknown1: val1
                  unknownDupe: valDupe
                  unknownDupe: valDupe2
                  paused: true
                  paused: false
                  selector:
                    matchLabels:
                      app: nginx
                  template:
                    metadata:
                      labels:
                        app: nginx
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:latest
                        unknownNested: val1
                        imagePullPolicy: Always
                        imagePullPolicy: Never
                """;
        YamlTrees.Read read = new YamlTrees().readWithDuplicates(yaml.getBytes(StandardCharsets.UTF_8));

        assertThat(read.duplicates()).containsExactly(new YamlTrees.DuplicateKey(5, "name"),
                new YamlTrees.DuplicateKey(12, "unknownDupe"), new YamlTrees.DuplicateKey(14, "paused"),
                new YamlTrees.DuplicateKey(28, "imagePullPolicy"));
        assertThat(read.tree().at("/metadata/name").asText()).isEqualTo("web");
        assertThat(read.tree().at("/spec/paused").asBoolean()).isFalse();
        // A JSON body is YAML too (what a server-side apply reads): its lines count the same way.
        String json = "{\n\"spec\": {\n  \"paused\": false,\n  \"paused\": true\n}}";
        assertThat(new YamlTrees().readWithDuplicates(json.getBytes(StandardCharsets.UTF_8)).duplicates())
                .containsExactly(new YamlTrees.DuplicateKey(4, "paused"));
        // A mapping set again is named at its first entry's line, where go-yaml's node starts.
        assertThat(new YamlTrees().readWithDuplicates("a:\n  x: 1\na:\n  y: 2\n".getBytes(StandardCharsets.UTF_8))
                .duplicates()).containsExactly(new YamlTrees.DuplicateKey(4, "a"));
    }

    private void assertSameAsReadTree(String yaml) throws Exception {
        JsonNode expected = Mappers.yaml().readTree(yaml);
        JsonNode actual = read(yaml);
        assertThat(actual).isEqualTo(expected);
        // equals already tells an IntNode from a LongNode; this also compares the node classes of floats.
        assertThat(actual.toString()).isEqualTo(expected.toString());
        assertSameTypes(actual, expected);
    }

    private static void assertSameTypes(JsonNode actual, JsonNode expected) {
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        for (int i = 0; expected.isArray() && i < expected.size(); i++) {
            assertSameTypes(actual.get(i), expected.get(i));
        }
        expected.properties().forEach(e -> assertSameTypes(actual.get(e.getKey()), e.getValue()));
    }

    /** Billion laughs: level 0 holds {@code fanout} strings, each further level {@code fanout} aliases of the last. */
    static String laughs(int levels, int fanout) {
        StringBuilder yaml = new StringBuilder("a0: &a0 [")
                .append(String.join(", ", Collections.nCopies(fanout, "lol"))).append("]\n");
        for (int level = 1; level < levels; level++) {
            yaml.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(fanout, "*a" + (level - 1)))).append("]\n");
        }
        return yaml.toString();
    }
}
