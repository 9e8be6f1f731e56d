package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a verification checked of one audit chain.
 *
 * @param chain the chain ({@code bus:KEY}, {@code run:ID}, {@code policy})
 * @param fromSeq the first place checked (a run's check of a dispatcher's chain starts shortly
 *     before the run did)
 * @param toSeq the chain's head: its last place
 * @param rows rows checked
 * @param signedSeq the place its signed head vouches for, if it is signed
 * @param keyId the key that signed the head, if it is signed
 * @param pruned rows whose entries retention removed with their run (still linked and hashed)
 * @param intact whether nothing in it was changed (rows after the signed head are not proven yet)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChainVerification(
    String chain,
    long fromSeq,
    long toSeq,
    long rows,
    Long signedSeq,
    String keyId,
    long pruned,
    boolean intact) {}
