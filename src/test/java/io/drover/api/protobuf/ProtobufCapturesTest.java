package io.drover.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Bodies kubectl v1.32.4 really sent (captured once from {@code kubectl --server http://127.0.0.1:PORT create ...}
 * against a recording HTTP server; see src/test/resources/protobuf/README.md).
 */
class ProtobufCapturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] capture(String name) throws IOException {
        try (InputStream in = ProtobufCapturesTest.class.getResourceAsStream("/protobuf/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void createConfigmap() throws Exception {
        // kubectl create configmap x --from-literal=a=b
        assertThat(ProtobufBodies.decode(capture("create-configmap.pb"))).isEqualTo(json("""
                {'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'x','generation':0},'data':{'a':'b'}}"""));
    }

    @Test
    void createSecretGeneric() throws Exception {
        // kubectl create secret generic s --from-literal=k=v
        assertThat(ProtobufBodies.decode(capture("create-secret.pb"))).isEqualTo(json("""
                {'apiVersion':'v1','kind':'Secret','metadata':{'name':'s','generation':0},'data':{'k':'dg=='}}"""));
    }

    @Test
    void createDeployment() throws Exception {
        // kubectl create deployment myapp --image=nginx --replicas=2 --port=8080
        assertThat(ProtobufBodies.decode(capture("create-deployment.pb"))).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'myapp','generation':0,'labels':{'app':'myapp'}},
                 'spec':{'replicas':2,'selector':{'matchLabels':{'app':'myapp'}},
                   'template':{'metadata':{'generation':0,'labels':{'app':'myapp'}},
                     'spec':{'containers':[{'name':'nginx','image':'nginx',
                         'ports':[{'hostPort':0,'containerPort':8080}],'resources':{},
                         'stdin':false,'stdinOnce':false,'tty':false}],
                       'hostNetwork':false,'hostPID':false,'hostIPC':false}},
                   'strategy':{},'minReadySeconds':0,'paused':false},
                 'status':{'observedGeneration':0,'replicas':0,'updatedReplicas':0,'readyReplicas':0,
                   'availableReplicas':0,'unavailableReplicas':0}}"""));
    }
}
