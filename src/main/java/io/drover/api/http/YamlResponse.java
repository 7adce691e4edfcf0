package io.drover.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.drover.json.Mappers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response for a client that asked for {@code application/yaml}: JSON answers (objects, lists,
 * Tables, Status errors) go out as YAML, as kube-apiserver's YAML serializer writes them. A list
 * large enough to be streamed is held and converted whole. Other answers (logs, plain text) pass
 * through.
 */
final class YamlResponse implements ApiResponse {
    private static final String JSON_TYPE = "application/json";
    private static final String YAML_TYPE = "application/yaml";
    private static final ObjectMapper JSON = Mappers.json();
    /** No "---" before the document, as Kubernetes' YAML serializer writes none. */
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

    private final ApiResponse response;

    YamlResponse(ApiResponse response) {
        this.response = response;
    }

    @Override
    public void addHeader(String name, String value) {
        response.addHeader(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) throws IOException {
        if (!isJson(contentType) || body.length == 0) {
            response.send(status, contentType, body);
            return;
        }
        byte[] yaml;
        try {
            yaml = YAML.writeValueAsBytes(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            response.send(status, contentType, body); // not one JSON document after all: as it is
            return;
        }
        response.send(status, yamlType(contentType), yaml);
    }

    @Override
    public OutputStream stream(int status, String contentType) throws IOException {
        if (!isJson(contentType)) {
            return response.stream(status, contentType);
        }
        return new ByteArrayOutputStream() {
            private boolean sent;

            @Override
            public void close() throws IOException {
                if (!sent) {
                    sent = true;
                    send(status, contentType, toByteArray());
                }
            }
        };
    }

    /** Watches are never YAML (kube streams them as JSON or protobuf only): passed on as they are. */
    @Override
    public void watch(WatchStream events) throws IOException {
        response.watch(events);
    }

    private static boolean isJson(String contentType) {
        return contentType != null && (contentType.equals(JSON_TYPE) || contentType.startsWith(JSON_TYPE + ";"))
                && !contentType.contains("stream=watch");
    }

    /** "application/yaml" with the JSON type's parameters (e.g. aggregated discovery's g, v and as). */
    private static String yamlType(String contentType) {
        return YAML_TYPE + contentType.substring(JSON_TYPE.length());
    }
}
