package io.drover.testing;

import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.io.ByteArrayOutputStream;

/** Request bodies in the Kubernetes protobuf encoding, as client-go frames them. */
public final class ProtobufFrames {
    private ProtobufFrames() {}

    /**
     * "k8s\0" + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as client-go writes it; the
     * envelope's apiVersion and kind exactly as given (empty ones included).
     */
    public static byte[] body(String apiVersion, String kind, Message object) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(object.toByteString())
                .setContentEncoding("")
                .setContentType("")
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }
}
