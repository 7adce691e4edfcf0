package io.drover.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.controller.ApiClients;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The pod-template-hash of a Deployment's template, and template equality ignoring that label.
 *
 * <p>Kubernetes' {@code controller.ComputeHash} feeds FNV-32a with the template as printed by
 * go-spew ({@code hashutil.DeepHashObject}), then the collision count as 8 little-endian bytes,
 * and renders the decimal sum with {@code rand.SafeEncodeString}. The spew text of a Go struct
 * cannot be reproduced from Java, so the hash here runs over the template's canonical JSON (object
 * keys sorted, nulls dropped) instead; the rest is the same. The hash is therefore stable for a
 * template but not numerically equal to the one Kubernetes would compute. Nothing depends on that:
 * kubectl finds the new ReplicaSet by template equality, not by hash.
 */
final class TemplateHash {
    static final String LABEL = "pod-template-hash";
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private TemplateHash() {}

    static String compute(PodTemplateSpec template, Integer collisionCount) {
        int hash = fnv32a(FNV_OFFSET, canonicalJson(normalized(template, false)).getBytes(StandardCharsets.UTF_8));
        if (collisionCount != null) {
            byte[] bytes = new byte[8];
            int c = collisionCount;
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) (c >>> (8 * i));
            }
            hash = fnv32a(hash, bytes);
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** {@code deploymentutil.EqualIgnoreHash}: equal templates once pod-template-hash is removed from both. */
    static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return normalized(a, true).equals(normalized(b, true));
    }

    static int fnv32a(int seed, byte[] data) {
        int h = seed;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** apimachinery rand.SafeEncodeString: each byte mapped onto an alphabet without vowels or look-alikes. */
    static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    private static JsonNode normalized(PodTemplateSpec template, boolean dropHashLabel) {
        JsonNode tree = ApiClients.serialization().convertValue(template == null ? new PodTemplateSpec() : template,
                JsonNode.class);
        if (dropHashLabel && tree.path("metadata").path("labels") instanceof ObjectNode labels) {
            labels.remove(LABEL);
        }
        return withoutEmpties(tree);
    }

    /** Drops nulls and empty maps/lists, which Go's semantic equality treats as absent. */
    private static JsonNode withoutEmpties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = object.objectNode();
            object.properties().forEach(e -> {
                JsonNode v = withoutEmpties(e.getValue());
                boolean emptyContainer = v.isContainerNode() && v.isEmpty() && !isStructField(e.getKey());
                if (!v.isNull() && !emptyContainer) {
                    out.set(e.getKey(), v);
                }
            });
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode();
            array.forEach(v -> out.add(withoutEmpties(v)));
            return out;
        }
        return node;
    }

    /** Pointers to empty structs mean something ({@code emptyDir: {}}); keep the ones volumes and probes use. */
    private static boolean isStructField(String name) {
        return switch (name) {
            case "emptyDir", "securityContext", "tcpSocket", "httpGet", "exec", "grpc" -> true;
            default -> false;
        };
    }

    static String canonicalJson(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(names.get(i)).toString()).append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString());
        }
    }
}
