package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.drover.api.validation.Base64Values;
import io.drover.json.GoJsonErrors;
import io.drover.json.Mappers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * v1 Secrets (SetDefaults_Secret and ValidateSecret): type Opaque; valid keys, base64 values, at most 1 MiB, the
 * keys each built-in type requires; type never changes, data not once {@code immutable: true}.
 */
final class SecretStrategy extends KindStrategy {
    private static final ObjectMapper JSON = Mappers.json();

    @Override
    public void applyDefaults(ObjectNode secret) {
        Nodes.defaultText(secret, "type", "Opaque");
        // Kubernetes' v1 conversion: stringData is write-only, merged into data (winning over it) and dropped.
        JsonNode stringData = secret.remove("stringData");
        if (stringData != null && stringData.isObject() && !stringData.isEmpty()) {
            ObjectNode data = Nodes.objectOrNew(secret, "data");
            stringData.properties().forEach(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Override
    public List<Cause> validateCreate(ObjectNode secret) {
        JsonNode data = secret.get("data");
        List<Cause> causes = new ArrayList<>(DataRules.keys(data, "data"));
        long total = 0;
        if (data != null && data.isObject()) {
            for (var e : data.properties()) {
                String value = e.getValue().asText();
                try {
                    total += Base64Values.decode(value).length;
                } catch (Base64Values.IllegalBase64 bad) {
                    causes.add(Causes.invalid("data[" + e.getKey() + "]", "\"<secret contents redacted>\"",
                            bad.getMessage()));
                }
            }
        }
        if (total > DataRules.MAX_SIZE) {
            causes.add(Causes.tooLong("data", DataRules.MAX_SIZE));
        }
        causes.addAll(typeRules(secret, data));
        return causes;
    }

    /** A docker config Secret's key: present, and JSON that unmarshals into a map (Go's error otherwise). */
    private static java.util.Optional<Cause> dockerConfig(JsonNode data, String key) {
        String field = "data[" + key + "]";
        if (!data.has(key)) {
            return java.util.Optional.of(Causes.required(field));
        }
        String error;
        try {
            error = GoJsonErrors.intoMap(Base64Values.decode(data.get(key).asText()));
        } catch (Base64Values.IllegalBase64 e) {
            return java.util.Optional.empty(); // reported with the other values' base64
        }
        return java.util.Optional.ofNullable(error)
                .map(message -> Causes.invalid(field, "\"<secret contents redacted>\"", message));
    }

    private static List<Cause> typeRules(ObjectNode secret, JsonNode data) {
        List<Cause> causes = new ArrayList<>();
        JsonNode d = data == null ? JSON.createObjectNode() : data;
        switch (Nodes.text(secret, "type")) {
            case "kubernetes.io/service-account-token" -> {
                if (Nodes.text(secret.path("metadata").path("annotations"), "kubernetes.io/service-account.name")
                        .isEmpty()) {
                    causes.add(Causes.required("metadata.annotations[kubernetes.io/service-account.name]"));
                }
            }
            case "kubernetes.io/dockercfg" -> dockerConfig(d, ".dockercfg").ifPresent(causes::add);
            case "kubernetes.io/dockerconfigjson" -> dockerConfig(d, ".dockerconfigjson").ifPresent(causes::add);
            case "kubernetes.io/basic-auth" -> {
                if (!d.has("username") && !d.has("password")) {
                    causes.add(Causes.required("data[username]"));
                    causes.add(Causes.required("data[password]"));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (Nodes.text(d, "ssh-privatekey").isEmpty()) {
                    causes.add(Causes.required("data[ssh-privatekey]"));
                }
            }
            case "kubernetes.io/tls" -> {
                if (!d.has("tls.crt")) {
                    causes.add(Causes.required("data[tls.crt]"));
                }
                if (!d.has("tls.key")) {
                    causes.add(Causes.required("data[tls.key]"));
                }
            }
            default -> { }
        }
        return causes;
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldSecret, ObjectNode newSecret) {
        List<Cause> causes = new ArrayList<>();
        String before = Nodes.text(oldSecret, "type");
        String after = Nodes.text(newSecret, "type");
        if (!before.equals(after)) {
            causes.add(Causes.immutable("type", GoValues.quote(after)));
        }
        causes.addAll(DataRules.immutable(oldSecret, newSecret, List.of("data")));
        return causes;
    }
}
