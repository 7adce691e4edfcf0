package io.drover.api.apply;

import static io.drover.api.apply.ServerSideApplyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class FieldSetTest {
    @Test
    void fieldsV1RoundTripsWithKeysValuesAndMembersWithChildren() {
        ObjectNode fieldsV1 = json("""
                {'f:metadata':{'f:finalizers':{'.':{},'v:\\'a\\'':{}},'f:labels':{'.':{},'f:app':{}}},
                 'f:spec':{'f:ports':{'k:{\\'port\\':80}':{'.':{},'f:port':{}}},'f:selector':{}}}
                """.replace("\\'", "\\\""));

        FieldSet set = FieldSet.fromFieldsV1(fieldsV1);

        assertThat(set.paths()).extracting(FieldPath::toString).containsExactly(
                ".metadata.finalizers", ".metadata.finalizers[=\"a\"]", ".metadata.labels", ".metadata.labels.app",
                ".spec.ports[port=80]", ".spec.ports[port=80].port", ".spec.selector");
        assertThat(set.toFieldsV1()).isEqualTo(fieldsV1);
    }

    @Test
    void keysAreWrittenWithSortedFields() {
        ObjectNode key = json("{'protocol':'TCP','containerPort':80}");

        assertThat(new PathElement.Key(key).fieldsV1Key()).isEqualTo("k:{\"containerPort\":80,\"protocol\":\"TCP\"}");
        assertThat(new PathElement.Key(key).display()).isEqualTo("[containerPort=80,protocol=\"TCP\"]");
    }
}
