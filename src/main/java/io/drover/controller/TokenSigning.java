package io.drover.controller;

import io.drover.api.security.ServiceAccountTokens;

/**
 * What the tokens controller signs and fills service-account-token Secrets with, as kube-controller-manager's
 * --service-account-private-key-file and --root-ca-file give it: the cluster's service-account key and the CA
 * that clients verify the API server with.
 */
public record TokenSigning(ServiceAccountTokens tokens, String caCertificatePem) {}
