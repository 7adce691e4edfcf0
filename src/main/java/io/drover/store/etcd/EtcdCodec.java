package io.drover.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.store.KeyValue;
import io.etcd.jetcd.ByteSequence;

/** Translates between drover's string keys and values and jetcd's byte sequences. */
final class EtcdCodec {
    private EtcdCodec() {}

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    static ByteSequence bytes(byte[] b) {
        return ByteSequence.from(b);
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion());
    }
}
