package io.drover.controller;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * fabric8's serialization, reading in-memory JSON without its 8 KiB copy. fabric8 wraps every
 * stream it reads in a new BufferedInputStream, only to look at the first character (JSON or
 * YAML); every response body and every watch event of the in-process clients is such a stream
 * over bytes already in memory (a ByteArrayInputStream), which can look ahead itself. Through the
 * garbage collector's watch that was 8 of the 121 KB a created ConfigMap allocated in the server.
 * Anything else (YAML, other streams) goes to fabric8 unchanged.
 */
final class ClientSerialization extends KubernetesSerialization {
    private final ObjectMapper json;

    /** {@code json} is configured by fabric8 for the Kubernetes model here, as in the superclass. */
    ClientSerialization(ObjectMapper json) {
        super(json, true);
        this.json = json;
    }

    @Override
    public <T> T unmarshal(InputStream in, TypeReference<T> type) {
        if (!(in instanceof ByteArrayInputStream)) {
            return super.unmarshal(in, type);
        }
        try (in) {
            in.mark(Integer.MAX_VALUE);
            int first;
            do {
                first = in.read();
            } while (first > -1 && Character.isWhitespace(first));
            in.reset();
            if (first != '{' && first != '[') {
                return super.unmarshal(in, type);
            }
            return json.readerFor(type).readValue(in);
        } catch (IOException e) {
            throw KubernetesClientException.launderThrowable(e);
        }
    }
}
