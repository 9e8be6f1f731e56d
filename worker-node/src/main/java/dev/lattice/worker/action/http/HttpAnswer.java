package dev.lattice.worker.action.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/**
 * A response with its body read.
 *
 * @param response status, headers and content type (its entity already consumed)
 * @param body the body, within the call's size limit
 */
record HttpAnswer(HttpResponse response, ByteString body) {}
