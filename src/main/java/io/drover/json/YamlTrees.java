package io.drover.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * YAML documents read into JSON trees as Kubernetes reads YAML bodies: sigs.k8s.io/yaml v1.4.0
 * (Kubernetes 1.32) decodes with its fork of go-yaml v2.4.0, which expands aliases and merge keys.
 * Jackson's {@code readTree} does neither: an alias comes out as a string holding the anchor's name,
 * and {@code <<} as an ordinary key.
 *
 * <p>The tree is built here from the YAMLParser's tokens. Every scalar becomes the node Jackson's
 * own JsonNode deserializer makes of it, so scalars are typed exactly as {@code readTree} types
 * them. An anchored node is remembered once complete (an anchor on a key remembers the key as a
 * string); an alias becomes a deep copy of it (a merge may share an anchored node's children, which
 * is safe as anchored nodes are only ever copied from). Merge keys are go-yaml v2's: a plain (or
 * {@code !!merge}-tagged) {@code <<} key whose value is a mapping, an alias of one, or a sequence
 * of those puts their entries into the mapping at that point; a later key overwrites an earlier
 * one, so explicit keys after the merge win, keys before it lose, and in a sequence the first
 * mapping wins. Other values are go-yaml's error.
 *
 * <p>Alias expansion is bounded as go-yaml v2 bounds it (decode.go, the fix for CVE-2019-11253, the
 * "billion laughs" body that took kube-apiserver down): it counts every node it decodes, and every
 * node decoded because an alias led there, the alias's target again each time. Once more than 100
 * aliased nodes and 1000 nodes in all are counted, the aliased share may not exceed 99% up to
 * 400,000 nodes, falling linearly to 10% at 4,000,000 and staying there; past that the document
 * "contains excessive aliasing". So a small document may lean on aliases almost entirely, but what
 * they add never exceeds about 1.2 million nodes (the most is allowed near 2.2 million in all), the
 * order of what a 3 MiB body holds without any; a billion laughs stops after a few thousand. The
 * same nodes are counted here in the same order (a key, a value, an alias and each node of its
 * target), checked after each node as go-yaml checks them, and an alias is counted before its copy
 * is made: while one target is walked the aliased share only grows and the allowed share only
 * shrinks, so a copy go-yaml would stop halfway is refused before any of it exists. Copies are also
 * held to the parser's nesting limit, since an alias can put a deep target below a deep alias.
 *
 * <p>Only the first document of a stream is read, as {@code readTree} reads only the first. An
 * alias used as a key, which go-yaml allows, is still a syntax error: Jackson's parser refuses it.
 */
public final class YamlTrees {
    /** go-yaml's merge key tag (yaml_MERGE_TAG). */
    private static final String MERGE_TAG = "tag:yaml.org,2002:merge";

    private final YAMLMapper mapper = new YAMLMapper(new EventFactory(Mappers.yamlFactory()));

    /**
     * The first document of {@code yaml} as a tree, a missing node when there is none. Throws a
     * {@link DecodeException} for what go-yaml v2 refuses besides syntax (an unknown anchor, an
     * anchor used inside its own value, excessive aliasing, a bad merge), and Jackson's own
     * exceptions for the rest.
     */
    public JsonNode read(byte[] yaml) throws IOException {
        return readWithDuplicates(yaml).tree();
    }

    /**
     * The first document of {@code yaml} as {@link #read} reads it, with the keys that an earlier
     * key of the same mapping already set: go-yaml's strict mode refuses those ("line 5: key
     * \"name\" already set in map"), its lax mode keeps the last value, as the tree does.
     */
    public Read readWithDuplicates(byte[] yaml) throws IOException {
        try (EventParser parser = (EventParser) mapper.createParser(yaml)) {
            Document document = new Document(parser, mapper);
            JsonNode tree = document.read();
            return new Read(tree, List.copyOf(document.duplicates));
        }
    }

    /** A document's tree and its repeated keys, in document order. */
    public record Read(JsonNode tree, List<DuplicateKey> duplicates) {}

    /**
     * A key set again in its mapping: {@code line} is where its value starts (1-based), which is
     * the line go-yaml names.
     */
    public record DuplicateKey(int line, String key) {}

    /** What go-yaml v2 refuses, with go-yaml's message, which kube-apiserver passes on. */
    public static final class DecodeException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        DecodeException(String goYamlMessage) {
            super(goYamlMessage);
        }
    }

    /**
     * The share of decoded nodes that may come from aliases once a document has {@code decodes} of
     * them: go-yaml v2's allowedAliasRatio.
     */
    static double allowedAliasRatio(long decodes) {
        final long low = 400_000;
        final long high = 4_000_000;
        if (decodes <= low) {
            return 0.99;
        }
        if (decodes >= high) {
            return 0.10;
        }
        return 0.99 - 0.89 * ((double) (decodes - low) / (high - low));
    }

    /** One document being read: its anchors and the counts that bound alias expansion. */
    private static final class Document {
        private final EventParser parser;
        private final DeserializationContext context;
        private final JsonDeserializer<Object> scalars;
        private final JsonNodeFactory nodes;
        private final StreamReadConstraints constraints;
        private final Map<String, Anchor> anchors = new HashMap<>();
        private final List<DuplicateKey> duplicates = new ArrayList<>();
        private long decodes;
        private long aliasDecodes;

        Document(EventParser parser, YAMLMapper mapper) throws IOException {
            this.parser = parser;
            this.context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createInstance(mapper.getDeserializationConfig(), parser, mapper.getInjectableValues());
            this.scalars = context.findRootValueDeserializer(mapper.constructType(JsonNode.class));
            this.nodes = context.getNodeFactory();
            this.constraints = parser.streamReadConstraints();
        }

        JsonNode read() throws IOException {
            if (parser.nextToken() == null) {
                return nodes.missingNode();
            }
            count(1, 0); // go-yaml decodes the document node first
            return value(1);
        }

        /**
         * The value whose first token is current; {@code depth} is the nesting depth it has if it is
         * a mapping or sequence (the root's is 1).
         */
        private JsonNode value(int depth) throws IOException {
            if (parser.isCurrentAlias()) {
                return alias(parser.getText(), depth);
            }
            String anchor = parser.event() instanceof NodeEvent e ? e.getAnchor() : null;
            long before = decodes;
            count(1, 0);
            JsonNode node;
            switch (parser.currentToken()) {
                case START_OBJECT -> {
                    ObjectNode object = nodes.objectNode();
                    begin(anchor, object);
                    mapping(object, depth);
                    node = object;
                }
                case START_ARRAY -> {
                    ArrayNode array = nodes.arrayNode();
                    begin(anchor, array);
                    while (next() != JsonToken.END_ARRAY) {
                        array.add(value(depth + 1));
                    }
                    node = array;
                }
                default -> node = (JsonNode) scalars.deserialize(parser, context);
            }
            if (anchor != null) {
                anchors.put(anchor, new Anchor(node, decodes - before, true));
            }
            return node;
        }

        /** go-yaml knows an anchor from where its node starts, so its own value can alias it (an error). */
        private void begin(String anchor, JsonNode node) {
            if (anchor != null) {
                anchors.put(anchor, new Anchor(node, 0, false));
            }
        }

        /** The entries of a mapping whose START_OBJECT is current, up to its END_OBJECT. */
        private void mapping(ObjectNode object, int depth) throws IOException {
            while (next() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                ScalarEvent key = (ScalarEvent) parser.event();
                if (key.getAnchor() != null) {
                    anchors.put(key.getAnchor(), new Anchor(nodes.textNode(name), 1, true));
                }
                next();
                if (isMerge(key)) {
                    merge(object, depth);
                } else {
                    count(1, 0); // the key
                    if (object.has(name)) {
                        // Only explicit keys: a key a merge sets again is not looked for.
                        duplicates.add(new DuplicateKey(parser.event().getStartMark().getLine() + 1, name));
                    }
                    object.replace(name, value(depth + 1));
                }
            }
        }

        /** go-yaml's isMerge: {@code <<} plain and untagged, or tagged !!merge. */
        private static boolean isMerge(ScalarEvent key) {
            return key.getValue().equals("<<")
                    && (key.getImplicit().canOmitTagInPlainScalar() || MERGE_TAG.equals(key.getTag()));
        }

        /** go-yaml v2's decoder.merge, the value of a merge key being current. */
        private void merge(ObjectNode into, int depth) throws IOException {
            if (parser.isCurrentAlias()) {
                into.setAll(mergedAlias(depth));
                return;
            }
            switch (parser.currentToken()) {
                case START_OBJECT -> into.setAll((ObjectNode) value(depth));
                case START_ARRAY -> {
                    // The sequence itself is not decoded, though an anchor on it names it.
                    String anchor = ((NodeEvent) parser.event()).getAnchor();
                    ArrayNode sequence = nodes.arrayNode();
                    begin(anchor, sequence);
                    long before = decodes;
                    List<ObjectNode> mappings = new ArrayList<>();
                    while (next() != JsonToken.END_ARRAY) {
                        if (parser.isCurrentAlias()) {
                            mappings.add(mergedAlias(depth));
                        } else if (parser.currentToken() == JsonToken.START_OBJECT) {
                            mappings.add((ObjectNode) value(depth));
                        } else {
                            throw mergeNeedsMappings();
                        }
                    }
                    if (anchor != null) {
                        sequence.addAll(mappings);
                        anchors.put(anchor, new Anchor(sequence, decodes - before + 1, true));
                    }
                    // go-yaml merges them last to first, so that earlier ones take precedence.
                    for (int i = mappings.size() - 1; i >= 0; i--) {
                        into.setAll(mappings.get(i));
                    }
                }
                default -> throw mergeNeedsMappings();
            }
        }

        /** An alias in a merge, current: go-yaml checks its target is a mapping before decoding it. */
        private ObjectNode mergedAlias(int depth) throws IOException {
            String name = parser.getText();
            Anchor anchor = anchors.get(name);
            if (anchor != null && !anchor.node().isObject()) {
                throw mergeNeedsMappings();
            }
            return (ObjectNode) alias(name, depth);
        }

        private static DecodeException mergeNeedsMappings() {
            return new DecodeException("yaml: map merge requires map or sequence of maps as the value");
        }

        /** A copy of an anchor's node, counted as go-yaml counts decoding the alias and its target. */
        private JsonNode alias(String name, int depth) throws IOException {
            Anchor anchor = anchors.get(name);
            if (anchor == null) {
                throw new DecodeException("yaml: unknown anchor '" + name + "' referenced");
            }
            if (!anchor.complete()) {
                throw new DecodeException("yaml: anchor '" + name + "' value contains itself");
            }
            count(1 + anchor.decodes(), anchor.decodes());
            return copy(anchor.node(), depth);
        }

        /**
         * Counts decoded nodes, {@code aliased} of them reached through an alias, and refuses the
         * document as go-yaml v2 does once aliases account for too large a share of them (see the
         * class comment: checking after a whole target decides as go-yaml's check on each of its nodes).
         */
        private void count(long decoded, long aliased) throws DecodeException {
            decodes += decoded;
            aliasDecodes += aliased;
            if (aliasDecodes > 100 && decodes > 1000
                    && (double) aliasDecodes / decodes > allowedAliasRatio(decodes)) {
                throw new DecodeException("yaml: document contains excessive aliasing");
            }
        }

        /** A deep copy (value nodes are immutable and shared), held to the parser's nesting limit. */
        private JsonNode copy(JsonNode node, int depth) throws StreamConstraintsException {
            if (node instanceof ObjectNode object) {
                constraints.validateNestingDepth(depth);
                ObjectNode copy = nodes.objectNode();
                for (Map.Entry<String, JsonNode> entry : object.properties()) {
                    copy.set(entry.getKey(), copy(entry.getValue(), depth + 1));
                }
                return copy;
            }
            if (node instanceof ArrayNode array) {
                constraints.validateNestingDepth(depth);
                ArrayNode copy = nodes.arrayNode(array.size());
                for (JsonNode element : array) {
                    copy.add(copy(element, depth + 1));
                }
                return copy;
            }
            return node;
        }

        private JsonToken next() throws IOException {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new JsonParseException(parser, "Unexpected end of the YAML document");
            }
            return token;
        }
    }

    /**
     * A named node: {@code decodes} is how many nodes go-yaml decodes when an alias leads to it;
     * an incomplete one is still being read.
     */
    private record Anchor(JsonNode node, long decodes, boolean complete) {}

    /** A YAMLParser that names the SnakeYAML event behind its current token (anchor, tag, style). */
    private static final class EventParser extends YAMLParser {
        EventParser(IOContext context, int parserFeatures, int formatFeatures, LoaderOptions options,
                ObjectCodec codec, Reader reader) {
            super(context, parserFeatures, formatFeatures, options, codec, reader);
        }

        Event event() {
            return _lastEvent;
        }
    }

    /** The YAML factory whose parsers (of byte arrays, all that {@link #read} parses) are EventParsers. */
    private static final class EventFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        EventFactory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext context) throws IOException {
            return new EventParser(context, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec,
                    _createReader(data, offset, len, null, context));
        }
    }
}
